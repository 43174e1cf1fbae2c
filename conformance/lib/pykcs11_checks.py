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
# Softoken lists, like softokn 3.1xx, PKCS #11 3.0/3.1/3.2 mechanisms newer than that table: name them the way a
# PyKCS11 user would have to.
for _value, _name in [(0x56, "CKM_TLS12_EXTENDED_MASTER_KEY_DERIVE"), (0x57, "CKM_TLS12_EXTENDED_MASTER_KEY_DERIVE_DH"),
                      (0x402E, "CKM_IKE2_PRF_PLUS_DERIVE"), (0x402F, "CKM_IKE_PRF_DERIVE"),
                      (0x4030, "CKM_IKE1_PRF_DERIVE"), (0x4031, "CKM_IKE1_EXTENDED_DERIVE"),
                      (0xF, "CKM_ML_KEM_KEY_PAIR_GEN"), (0x17, "CKM_ML_KEM"),
                      (0xCE534372, "CKM_NSS_IKE_PRF_PLUS_DERIVE"), (0xCE534373, "CKM_NSS_IKE_PRF_DERIVE"),
                      (0xCE534374, "CKM_NSS_IKE1_PRF_DERIVE"), (0xCE534375, "CKM_NSS_IKE1_APP_B_PRF_DERIVE"),
                      (0xCE534363, "CKM_NSS_HMAC_CONSTANT_TIME"), (0xCE534364, "CKM_NSS_SSL3_MAC_CONSTANT_TIME"),
                      (0xCE53437F, "CKM_NSS_ECDHE_NO_PAIRWISE_CHECK_KEY_PAIR_GEN"),
                      (0x80000008, "CKM_NSS_PBE_SHA1_FAULTY_3DES_CBC")]:
    PyKCS11.CKM.setdefault(_value, _name)
    PyKCS11.CKM.setdefault(_name, _value)
from PyKCS11.LowLevel import (CKA_APPLICATION, CKA_CLASS, CKA_DECRYPT, CKA_DERIVE, CKA_EC_PARAMS, CKA_EC_POINT,
                              CKA_ENCRYPT, CKA_EXTRACTABLE, CKA_ID, CKA_KEY_TYPE, CKA_LABEL, CKA_MODULUS,
                              CKA_MODULUS_BITS, CKA_PRIVATE, CKA_PRIVATE_EXPONENT, CKA_PUBLIC_EXPONENT, CKA_SENSITIVE,
                              CKA_SIGN, CKA_TOKEN, CKA_VALUE, CKA_VALUE_LEN, CKA_VERIFY, CKK_EC, CKK_RSA, CKO_DATA,
                              CKO_PRIVATE_KEY, CKO_PUBLIC_KEY, CKO_SECRET_KEY)

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


# --- key generation and cryptography (checked against python3-cryptography) ---------------------------------------

def _crypto():
    # Imported here so that the other checks need only PyKCS11.
    from cryptography.hazmat.primitives import hashes, padding
    from cryptography.hazmat.primitives.asymmetric import ec, rsa, utils
    from cryptography.hazmat.primitives.asymmetric import padding as asym
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    return hashes, padding, ec, rsa, utils, asym, Cipher, algorithms, modes, AESGCM


def _user_session(lib):
    session = lib.openSession(TOKEN_SLOT, RW)
    session.login(USER_PIN)
    return session


def _rsa_pair(session, label, token=True):
    public = [(CKA_CLASS, CKO_PUBLIC_KEY), (CKA_KEY_TYPE, CKK_RSA), (CKA_TOKEN, token), (CKA_MODULUS_BITS, 2048),
              (CKA_PUBLIC_EXPONENT, (1, 0, 1)), (CKA_VERIFY, True), (CKA_ENCRYPT, True), (CKA_LABEL, label)]
    private = [(CKA_CLASS, CKO_PRIVATE_KEY), (CKA_KEY_TYPE, CKK_RSA), (CKA_TOKEN, token), (CKA_PRIVATE, True),
               (CKA_SIGN, True), (CKA_DECRYPT, True), (CKA_LABEL, label)]
    return session.generateKeyPair(public, private, PyKCS11.MechanismRSAGENERATEKEYPAIR)


def _rsa_public(session, public):
    _, _, _, rsa, *_ = _crypto()
    modulus, exponent = session.getAttributeValue(public, [CKA_MODULUS, CKA_PUBLIC_EXPONENT], allAsBinary=True)
    numbers = rsa.RSAPublicNumbers(int.from_bytes(bytes(exponent), "big"), int.from_bytes(bytes(modulus), "big"))
    return numbers.public_key()


def check_rsa(lib):
    hashes, _, _, _, _, asym, *_ = _crypto()
    session = _user_session(lib)
    public, private = _rsa_pair(session, "py-rsa")
    modulus, = session.getAttributeValue(public, [CKA_MODULUS], allAsBinary=True)
    key_id, = session.getAttributeValue(private, [CKA_ID], allAsBinary=True)
    expect(len(bytes(modulus)) == 256, "C_GenerateKeyPair: a 2048-bit RSA key on the token")
    expect(bytes(key_id) == hashlib.sha1(bytes(modulus)).digest(), "CKA_ID is NSS's: the SHA-1 of the modulus")
    key = _rsa_public(session, public)
    data = b"signed by PyKCS11 with a key the token generated" * 20

    signature = bytes(session.sign(private, data, PyKCS11.Mechanism(PyKCS11.CKM_SHA256_RSA_PKCS)))
    expect(session.verify(public, data, signature, PyKCS11.Mechanism(PyKCS11.CKM_SHA256_RSA_PKCS)),
           "CKM_SHA256_RSA_PKCS: C_Verify accepts the signature")
    key.verify(signature, data, asym.PKCS1v15(), hashes.SHA256())
    print("ok: python3-cryptography verifies the PKCS #1 v1.5 signature")
    expect(not session.verify(public, data + b"!", signature, PyKCS11.Mechanism(PyKCS11.CKM_SHA256_RSA_PKCS)),
           "C_Verify refuses it for other data")

    pss = PyKCS11.RSA_PSS_Mechanism(PyKCS11.CKM_SHA256_RSA_PKCS_PSS, PyKCS11.CKM_SHA256, PyKCS11.CKG_MGF1_SHA256, 32)
    signature = bytes(session.sign(private, data, pss))
    expect(session.verify(public, data, signature, pss), "CKM_SHA256_RSA_PKCS_PSS: C_Verify accepts the signature")
    key.verify(signature, data, asym.PSS(asym.MGF1(hashes.SHA256()), 32), hashes.SHA256())
    print("ok: python3-cryptography verifies the PSS signature")

    secret = b"an OAEP secret for the token"
    ciphertext = key.encrypt(secret, asym.OAEP(asym.MGF1(hashes.SHA256()), hashes.SHA256(), None))
    oaep = PyKCS11.RSAOAEPMechanism(PyKCS11.CKM_SHA256, PyKCS11.CKG_MGF1_SHA256)
    expect(bytes(session.decrypt(private, ciphertext, oaep)) == secret,
           "CKM_RSA_PKCS_OAEP (SHA-256): C_Decrypt of python3-cryptography's ciphertext")
    ciphertext = bytes(session.encrypt(public, secret, oaep))
    expect(bytes(session.decrypt(private, ciphertext, oaep)) == secret, "C_Encrypt then C_Decrypt with OAEP")


def check_ec(lib):
    hashes, _, ec, _, utils, *_ = _crypto()
    session = _user_session(lib)
    p256 = bytes.fromhex("06082a8648ce3d030107")
    public_template = [(CKA_CLASS, CKO_PUBLIC_KEY), (CKA_KEY_TYPE, CKK_EC), (CKA_TOKEN, True), (CKA_VERIFY, True),
                       (CKA_EC_PARAMS, p256), (CKA_LABEL, "py-ec")]
    private_template = [(CKA_CLASS, CKO_PRIVATE_KEY), (CKA_KEY_TYPE, CKK_EC), (CKA_TOKEN, True), (CKA_PRIVATE, True),
                        (CKA_SIGN, True), (CKA_DERIVE, True), (CKA_LABEL, "py-ec")]
    public, private = session.generateKeyPair(public_template, private_template, PyKCS11.MechanismECGENERATEKEYPAIR)
    point, = session.getAttributeValue(public, [CKA_EC_POINT], allAsBinary=True)
    point = bytes(point)
    expect(point[:3] == bytes([0x04, 0x41, 0x04]), "CKA_EC_POINT: a DER OCTET STRING with an uncompressed P-256 point")
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point[2:])

    data = b"signed by PyKCS11 with a P-256 key the token generated"
    mechanism = PyKCS11.Mechanism(PyKCS11.CKM_ECDSA_SHA256)
    signature = bytes(session.sign(private, data, mechanism))
    expect(len(signature) == 64, "CKM_ECDSA_SHA256: r || s, 64 bytes")
    expect(session.verify(public, data, signature, mechanism), "C_Verify accepts the signature")
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    key.verify(utils.encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
    print("ok: python3-cryptography verifies the ECDSA signature")

    peer = ec.generate_private_key(ec.SECP256R1())
    from cryptography.hazmat.primitives import serialization
    peer_point = peer.public_key().public_bytes(serialization.Encoding.X962,
                                                serialization.PublicFormat.UncompressedPoint)
    template = [(CKA_CLASS, CKO_SECRET_KEY), (CKA_KEY_TYPE, PyKCS11.CKK_GENERIC_SECRET), (CKA_TOKEN, False),
                (CKA_SENSITIVE, False), (CKA_EXTRACTABLE, True), (CKA_VALUE_LEN, 32)]
    shared = session.deriveKey(private, template, PyKCS11.ECDH1_DERIVE_Mechanism(peer_point))
    value, = session.getAttributeValue(shared, [CKA_VALUE], allAsBinary=True)
    expect(bytes(value) == peer.exchange(ec.ECDH(), key), "CKM_ECDH1_DERIVE equals python3-cryptography's ECDH")


def _aes_key(session, length, **flags):
    template = [(CKA_CLASS, CKO_SECRET_KEY), (CKA_KEY_TYPE, PyKCS11.CKK_AES), (CKA_VALUE_LEN, length), (CKA_TOKEN, False)]
    template += [(getattr(LowLevel, "CKA_" + name.upper()), value) for name, value in flags.items()]
    return session.generateKey(template, PyKCS11.MechanismAESGENERATEKEY)


def check_aes(lib):
    _, padding, _, _, _, _, Cipher, algorithms, modes, AESGCM = _crypto()
    session = _user_session(lib)
    key = _aes_key(session, 32, encrypt=True, decrypt=True, sensitive=False, extractable=True)
    value, = session.getAttributeValue(key, [CKA_VALUE], allAsBinary=True)
    value = bytes(value)
    expect(len(value) == 32, "C_GenerateKey: a 32-byte AES key (not sensitive, so its value can be compared)")
    data = bytes(range(256)) * 3 + b"tail"
    iv = bytes(range(16))

    mechanism = PyKCS11.Mechanism(PyKCS11.CKM_AES_CBC_PAD, iv)
    ciphertext = bytes(session.encrypt(key, data, mechanism))
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(value), modes.CBC(iv)).encryptor()
    expected = encryptor.update(padder.update(data) + padder.finalize()) + encryptor.finalize()
    expect(ciphertext == expected, "CKM_AES_CBC_PAD equals python3-cryptography's AES-CBC with PKCS #7 padding")
    expect(bytes(session.decrypt(key, ciphertext, mechanism)) == data, "C_Decrypt gives the data back")

    nonce, aad = bytes(range(12)), b"header"
    gcm = PyKCS11.AES_GCM_Mechanism(nonce, aad, 128)
    ciphertext = bytes(session.encrypt(key, data, gcm))
    expect(ciphertext == AESGCM(value).encrypt(nonce, data, aad), "CKM_AES_GCM equals python3-cryptography's AES-GCM")
    expect(bytes(session.decrypt(key, ciphertext, gcm)) == data, "C_Decrypt with AES-GCM gives the data back")
    tampered = ciphertext[:-1] + bytes([ciphertext[-1] ^ 1])
    expect_error(PyKCS11.CKR_ENCRYPTED_DATA_INVALID, session.decrypt, key, tampered, gcm)

    sensitive = _aes_key(session, 16, encrypt=True, decrypt=True)
    template = LowLevel.ckattrlist(1)
    template[0].SetType(CKA_VALUE)
    rv = session.lib.C_GetAttributeValue(session.session, sensitive, template)
    expect(rv == PyKCS11.CKR_ATTRIBUTE_SENSITIVE,
           f"a generated key is sensitive by default: CKR_ATTRIBUTE_SENSITIVE for CKA_VALUE (got {PyKCS11.CKR[rv]})")


def check_wrap(lib):
    session = _user_session(lib)
    kek = _aes_key(session, 32, wrap=True, unwrap=True, encrypt=False, decrypt=False)
    target = _aes_key(session, 16, encrypt=True, decrypt=True)
    expect(session.getAttributeValue(target, [CKA_SENSITIVE])[0], "the key to wrap is sensitive")
    wrap = PyKCS11.Mechanism(PyKCS11.CKM_AES_KEY_WRAP)
    wrapped = bytes(session.wrapKey(kek, target, wrap))
    expect(len(wrapped) == 24, "CKM_AES_KEY_WRAP: a 16-byte key wraps to 24 bytes")
    template = [(CKA_CLASS, CKO_SECRET_KEY), (CKA_KEY_TYPE, PyKCS11.CKK_AES), (CKA_TOKEN, False),
                (CKA_ENCRYPT, True), (CKA_DECRYPT, True)]
    unwrapped = session.unwrapKey(kek, wrapped, template, wrap)
    mechanism = PyKCS11.Mechanism(PyKCS11.CKM_AES_ECB)
    block = bytes(range(32))
    expect(bytes(session.encrypt(unwrapped, block, mechanism)) == bytes(session.encrypt(target, block, mechanism)),
           "C_UnwrapKey: the unwrapped key encrypts like the original")

    # A private key leaves the token only wrapped (PKCS #8 inside CKM_AES_KEY_WRAP_PAD) and comes back whole.
    public, private = _rsa_pair(session, "py-wrap", token=False)
    wrap_pad = PyKCS11.Mechanism(0x210A)  # CKM_AES_KEY_WRAP_PAD
    wrapped = bytes(session.wrapKey(kek, private, wrap_pad))
    template = [(CKA_CLASS, CKO_PRIVATE_KEY), (CKA_KEY_TYPE, CKK_RSA), (CKA_TOKEN, False), (CKA_SIGN, True)]
    copy = session.unwrapKey(kek, wrapped, template, wrap_pad)
    data = b"signed by the unwrapped copy"
    sign = PyKCS11.Mechanism(PyKCS11.CKM_SHA256_RSA_PKCS)
    signature = bytes(session.sign(copy, data, sign))
    expect(signature == bytes(session.sign(private, data, sign)), "the unwrapped RSA key signs like the original")
    expect(session.verify(public, data, signature, sign), "and the original public key verifies it")

    # The wrap/decrypt attack: a key that may both wrap and decrypt wraps a sensitive key, and from then on can no
    # longer decrypt, so the wrapped blob never turns back into the key's value.
    both = _aes_key(session, 32, wrap=True, unwrap=True, encrypt=True, decrypt=True)
    session.wrapKey(both, target, wrap)
    cbc = PyKCS11.Mechanism(PyKCS11.CKM_AES_CBC_PAD, bytes(16))
    expect_error(PyKCS11.CKR_KEY_FUNCTION_NOT_PERMITTED, session.decrypt, both, bytes(32), cbc)


def check_keys(lib):
    session = _user_session(lib)
    labels = {}
    for cls in (CKO_PUBLIC_KEY, CKO_PRIVATE_KEY):
        for handle in session.findObjects([(CKA_CLASS, cls), (CKA_TOKEN, True)]):
            label, = session.getAttributeValue(handle, [CKA_LABEL])
            labels.setdefault(label, []).append(PyKCS11.CKO[cls])
            print(f"{PyKCS11.CKO[cls]} {label}")
    for label in ("py-rsa", "py-ec"):
        expect(sorted(labels.get(label, [])) == ["CKO_PRIVATE_KEY", "CKO_PUBLIC_KEY"],
               f"{label}: public and private key")


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
