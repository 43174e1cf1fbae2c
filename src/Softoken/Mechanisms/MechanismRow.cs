using Softoken.Crypto;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>One row of the mechanism registry: what C_GetMechanismInfo reports and the factories the
/// operation-init functions use. The CKF_ operation flags are derived from the factories present, so an
/// advertised operation always has an implementation.</summary>
internal sealed record MechanismRow
{
    public required CKM Type { get; init; }

    /// <summary>The slots whose mechanism list names this row. Operations themselves work on either slot, as in
    /// softokn (which only filters the list).</summary>
    public SlotSet ListedOn { get; init; } = SlotSet.Both;

    public ulong MinKeySize { get; init; }

    public ulong MaxKeySize { get; init; }

    /// <summary>Flags that no factory implies (CKF_EC_* capabilities; CKF_HW never).</summary>
    public ulong ExtraFlags { get; init; }

    public Func<IDigestEngine>? Digest { get; init; }

    public Func<MechanismContext, ICipherOperation>? Encrypt { get; init; }

    public Func<MechanismContext, ICipherOperation>? Decrypt { get; init; }

    public Func<MechanismContext, ISignOperation>? Sign { get; init; }

    public Func<MechanismContext, IVerifyOperation>? Verify { get; init; }

    public Func<MechanismContext, IRecoverOperation>? SignRecover { get; init; }

    public Func<MechanismContext, IRecoverOperation>? VerifyRecover { get; init; }

    public Func<KeyGenRequest, Objects.AttributeSet>? GenerateKey { get; init; }

    public Func<KeyPairRequest, KeyPairMaterial>? GenerateKeyPair { get; init; }

    public Func<DeriveRequest, DeriveResult>? Derive { get; init; }

    /// <summary>C_WrapKey: encrypts the encoded key (a secret key's CKA_VALUE, a private key's PKCS #8
    /// PrivateKeyInfo) with a one-shot cipher of this mechanism. Usually the same factory as <see cref="Encrypt"/>.</summary>
    public Func<MechanismContext, ICipherOperation>? Wrap { get; init; }

    /// <summary>C_UnwrapKey: decrypts the wrapped bytes back into the encoded key.</summary>
    public Func<MechanismContext, ICipherOperation>? Unwrap { get; init; }

    /// <summary>C_EncapsulateKey (PKCS #11 v3.2 section 5.18.8): a fresh shared secret and its ciphertext for the
    /// public key of the context.</summary>
    public Func<MechanismContext, KemResult>? Encapsulate { get; init; }

    /// <summary>C_DecapsulateKey: the shared secret a ciphertext carries, with the private key of the context.</summary>
    public Func<MechanismContext, ReadOnlyMemory<byte>, byte[]>? Decapsulate { get; init; }

    public ulong Flags =>
        ExtraFlags
        | (Digest is null ? 0 : CKF.CKF_DIGEST)
        | (Encrypt is null ? 0 : CKF.CKF_ENCRYPT)
        | (Decrypt is null ? 0 : CKF.CKF_DECRYPT)
        | (Sign is null ? 0 : CKF.CKF_SIGN)
        | (Verify is null ? 0 : CKF.CKF_VERIFY)
        | (SignRecover is null ? 0 : CKF.CKF_SIGN_RECOVER)
        | (VerifyRecover is null ? 0 : CKF.CKF_VERIFY_RECOVER)
        | (GenerateKey is null ? 0 : CKF.CKF_GENERATE)
        | (GenerateKeyPair is null ? 0 : CKF.CKF_GENERATE_KEY_PAIR)
        | (Derive is null ? 0 : CKF.CKF_DERIVE)
        | (Wrap is null ? 0 : CKF.CKF_WRAP)
        | (Unwrap is null ? 0 : CKF.CKF_UNWRAP)
        | (Encapsulate is null ? 0 : CKF.CKF_ENCAPSULATE)
        | (Decapsulate is null ? 0 : CKF.CKF_DECAPSULATE);
}
