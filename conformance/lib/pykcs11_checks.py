"""PyKCS11 checks for conformance/python.sh: one check per invocation, so that every step is its own process.

Usage: /usr/bin/python3 pykcs11_checks.py MODULE CHECK [ARGS...]
Prints what it saw; exits 0 when the check holds, 1 when it does not (a PyKCS11Error is printed with its CKR_
name). The module's token directory comes from SOFTOKEN_PARAMS, set by the script.
"""

import gc
import hashlib
import sys

import PyKCS11
from PyKCS11 import LowLevel

# PyKCS11 1.5 (Debian 12) names only the mechanisms it knows and raises KeyError for others in getMechanismList.
# Softoken lists, like softokn 3.1xx, PKCS #11 3.1 mechanisms newer than that table: name them the way a PyKCS11
# user would have to.
for _value, _name in [(0x56, "CKM_TLS12_EXTENDED_MASTER_KEY_DERIVE"), (0x57, "CKM_TLS12_EXTENDED_MASTER_KEY_DERIVE_DH")]:
    PyKCS11.CKM.setdefault(_value, _name)
    PyKCS11.CKM.setdefault(_name, _value)
from PyKCS11.LowLevel import (CKA_APPLICATION, CKA_CLASS, CKA_EC_PARAMS, CKA_EXTRACTABLE, CKA_KEY_TYPE,
                              CKA_LABEL, CKA_MODULUS, CKA_PRIVATE, CKA_PRIVATE_EXPONENT, CKA_SENSITIVE,
                              CKA_TOKEN, CKA_VALUE, CKK_EC, CKK_RSA, CKO_DATA, CKO_PRIVATE_KEY)

GENERIC_SLOT, TOKEN_SLOT = 1, 2
SO_PIN, USER_PIN = "87654321", "123456"
RW = PyKCS11.CKF_SERIAL_SESSION | PyKCS11.CKF_RW_SESSION


def load(module):
    lib = PyKCS11.PyKCS11Lib()
    lib.load(module)
    return lib


def expect(condition, message):
    print(("ok: " if condition else "NOT: ") + message)
    if not condition:
        sys.exit(1)


def expect_error(rv, call, *args):
    try:
        call(*args)
    except PyKCS11.PyKCS11Error as e:
        expect(e.value == rv, f"{call.__name__} fails with {PyKCS11.CKR[rv]} (got {PyKCS11.CKR[e.value]})")
        return
    expect(False, f"{call.__name__} fails with {PyKCS11.CKR[rv]} (it succeeded)")


def expect_state(session, name, what=""):
    state = PyKCS11.CKS.get(session.getSessionInfo().state)
    expect(state == name, f"{what}session state {name} (got {state})")


def data_objects(session, label):
    return session.findObjects([(CKA_CLASS, CKO_DATA), (CKA_LABEL, label)])


def check_info(lib):
    info = lib.getInfo()
    print(info)
    expect(info.manufacturerID.strip() == "Softoken Project", "manufacturer is Softoken Project")
    expect((info.cryptokiVersion[0], info.cryptokiVersion[1]) == (3, 0), "Cryptoki version 3.0")


def check_slots(lib):
    slots = lib.getSlotList(tokenPresent=True)
    labels = {slot: lib.getTokenInfo(slot).label.strip() for slot in slots}
    print(labels)
    expect(slots == [GENERIC_SLOT, TOKEN_SLOT], "slots 1 and 2")
    expect(labels == {1: "Softoken Generic Crypto Services", 2: "Softoken Certificate DB"}, "token labels")
    mechanisms = lib.getMechanismList(GENERIC_SLOT)
    expect("CKM_SHA256" in mechanisms and "CKM_SHA512" in mechanisms, "slot 1 lists CKM_SHA256 and CKM_SHA512")


def check_init(lib):
    lib.initToken(TOKEN_SLOT, SO_PIN, "Softoken Certificate DB")
    session = lib.openSession(TOKEN_SLOT, RW)
    session.login(SO_PIN, PyKCS11.CKU_SO)
    session.initPin(USER_PIN)
    session.logout()
    flags = lib.getTokenInfo(TOKEN_SLOT).flags
    expect(flags & PyKCS11.CKF_USER_PIN_INITIALIZED != 0, "CKF_USER_PIN_INITIALIZED after C_InitPIN")
    expect(flags & PyKCS11.CKF_LOGIN_REQUIRED != 0, "CKF_LOGIN_REQUIRED")


def check_login(lib):
    session = lib.openSession(TOKEN_SLOT, RW)
    expect_error(PyKCS11.CKR_PIN_INCORRECT, session.login, "000000")
    session.login(USER_PIN)
    expect_state(session, "CKS_RW_USER_FUNCTIONS")
    # A login shows in every session of the application at once (NSS reads it with C_GetSessionInfo).
    other = lib.openSession(TOKEN_SLOT)
    expect_state(other, "CKS_RO_USER_FUNCTIONS", "a second session: ")
    session.logout()
    expect_state(other, "CKS_RO_PUBLIC_SESSION", "after logout, the second session: ")


def check_digest(lib):
    data = bytes(range(256)) * 4096 + b"tail"
    session = lib.openSession(GENERIC_SLOT)
    one_shot = bytes(session.digest(data, PyKCS11.Mechanism(PyKCS11.CKM_SHA256)))
    expect(one_shot == hashlib.sha256(data).digest(), "C_Digest SHA-256 equals hashlib")
    parts = session.digestSession(PyKCS11.Mechanism(PyKCS11.CKM_SHA512))
    for i in range(0, len(data), 100_000):
        parts.update(data[i:i + 100_000])
    expect(bytes(parts.final()) == hashlib.sha512(data).digest(), "C_DigestUpdate/C_DigestFinal SHA-512 equals hashlib")
    random = bytes(session.generateRandom(32))
    expect(len(random) == 32 and random != bytes(32), "C_GenerateRandom gives 32 bytes")


def check_create(lib, label, value):
    session = lib.openSession(TOKEN_SLOT, RW)
    session.login(USER_PIN)
    session.createObject([(CKA_CLASS, CKO_DATA), (CKA_TOKEN, True), (CKA_PRIVATE, True), (CKA_LABEL, label),
                          (CKA_APPLICATION, "python.sh"), (CKA_VALUE, value.encode())])
    found = data_objects(session, label)
    expect(len(found) == 1, f"the same session finds one data object labelled {label}")
    got = bytes(session.getAttributeValue(found[0], [CKA_VALUE], allAsBinary=True)[0])
    expect(got == value.encode(), "CKA_VALUE reads back")


def check_find(lib, label, value):
    session = lib.openSession(TOKEN_SLOT)
    expect(data_objects(session, label) == [], "without login the private object is not found")
    session.login(USER_PIN)
    found = data_objects(session, label)
    expect(len(found) == 1, f"after login one data object labelled {label}")
    application, got = session.getAttributeValue(found[0], [CKA_APPLICATION, CKA_VALUE], allAsBinary=True)
    expect(bytes(application) == b"python.sh" and bytes(got) == value.encode(), "CKA_APPLICATION and CKA_VALUE")


def check_rename(lib, label, new_label):
    session = lib.openSession(TOKEN_SLOT, RW)
    session.login(USER_PIN)
    found = data_objects(session, label)
    expect(len(found) == 1, f"one data object labelled {label}")
    session.setAttributeValue(found[0], [(CKA_LABEL, new_label)])
    expect(data_objects(session, label) == [], "the old label is gone")
    expect(len(data_objects(session, new_label)) == 1, f"found by the new label {new_label}")


def check_session_object(lib):
    creator = lib.openSession(TOKEN_SLOT)
    other = lib.openSession(TOKEN_SLOT)
    creator.createObject([(CKA_CLASS, CKO_DATA), (CKA_TOKEN, False), (CKA_LABEL, "session object"),
                          (CKA_VALUE, b"temporary")])
    expect(len(data_objects(other, "session object")) == 1, "another session of the process sees the session object")
    creator.closeSession()
    expect(data_objects(other, "session object") == [], "it is gone when the session that created it closes")


def check_destroy(lib, label):
    session = lib.openSession(TOKEN_SLOT, RW)
    session.login(USER_PIN)
    found = data_objects(session, label)
    expect(len(found) == 1, f"one data object labelled {label}")
    session.destroyObject(found[0])
    expect(data_objects(session, label) == [], "C_DestroyObject removed it")


def check_gone(lib, label):
    session = lib.openSession(TOKEN_SLOT)
    session.login(USER_PIN)
    expect(data_objects(session, label) == [], f"no data object labelled {label}")


def check_sensitive(lib, modulus_hex):
    session = lib.openSession(TOKEN_SLOT, RW)
    session.login(USER_PIN)
    rsa = session.findObjects([(CKA_CLASS, CKO_PRIVATE_KEY), (CKA_KEY_TYPE, CKK_RSA)])
    ec = session.findObjects([(CKA_CLASS, CKO_PRIVATE_KEY), (CKA_KEY_TYPE, CKK_EC)])
    expect(len(rsa) == 1 and len(ec) == 1, "one RSA and one EC private key (written by pkcs11-tool)")
    sensitive, extractable = session.getAttributeValue(rsa[0], [CKA_SENSITIVE, CKA_EXTRACTABLE])
    print(f"CKA_SENSITIVE={sensitive} CKA_EXTRACTABLE={extractable}")
    expect(sensitive, "the RSA key is sensitive")
    # The raw call: the whole template is processed, the sensitive value is refused, the public part returned.
    template = LowLevel.ckattrlist(2)
    template[0].SetType(CKA_PRIVATE_EXPONENT)
    template[1].SetType(CKA_MODULUS)
    rv = session.lib.C_GetAttributeValue(session.session, rsa[0], template)
    expect(rv == PyKCS11.CKR_ATTRIBUTE_SENSITIVE, f"CKA_PRIVATE_EXPONENT: CKR_ATTRIBUTE_SENSITIVE (got {PyKCS11.CKR[rv]})")
    exponent, modulus = session.getAttributeValue(rsa[0], [CKA_PRIVATE_EXPONENT, CKA_MODULUS], allAsBinary=True)
    expect(exponent is None, "no CKA_PRIVATE_EXPONENT value")
    expect(bytes(modulus).hex() == modulus_hex.lower(), "CKA_MODULUS equals openssl's modulus")
    value, params = session.getAttributeValue(ec[0], [CKA_VALUE, CKA_EC_PARAMS], allAsBinary=True)
    expect(value is None, "the EC key's CKA_VALUE is refused")
    expect(bytes(params).hex() == "06082a8648ce3d030107", "its CKA_EC_PARAMS (P-256) is returned")
    # CKA_SENSITIVE may only become true (PKCS #11 v3.0 section 4.9).
    expect_error(PyKCS11.CKR_ATTRIBUTE_READ_ONLY, session.setAttributeValue, rsa[0], [(CKA_SENSITIVE, False)])


def check_reload(module, label):
    for cycle in range(3):
        lib = load(module)
        session = lib.openSession(TOKEN_SLOT)
        session.login(USER_PIN)
        found = len(data_objects(session, label))
        print(f"cycle {cycle}: found {found}")
        expect(found == 1, f"cycle {cycle}: C_Initialize after C_Finalize finds the token object again")
        session.logout()
        del session, lib
        gc.collect()


def main():
    module, check, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    try:
        if check == "reload":
            check_reload(module, *args)
        else:
            globals()["check_" + check](load(module), *args)
    except PyKCS11.PyKCS11Error as e:
        print(f"PyKCS11Error: {e}")
        sys.exit(1)


if __name__ == "__main__":
    main()
