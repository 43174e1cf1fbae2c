using System.Collections.Frozen;
using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;

namespace Softoken.Native.Interop.Parameters;

/// <summary>Turns a CK_MECHANISM's pParameter into a core <see cref="MechanismParameter"/>. Each mechanism family
/// registers decoders for its structures in a file of its own (listed in <see cref="Build"/>); a mechanism with
/// no decoder gets <see cref="NoParameter"/> for an empty parameter and <see cref="BytesParameter"/> otherwise.
/// Decoders check ulParameterLen against the structure size (CKR_MECHANISM_PARAM_INVALID) and never follow a
/// pointer below 4096.</summary>
internal static unsafe class ParameterDecoder
{
    public delegate MechanismParameter Decoder(byte* parameter, CK_ULONG length);

    private static readonly FrozenDictionary<CKM, Decoder> Decoders = Build();

    public static MechanismParameter Decode(CKM mechanism, void* parameter, CK_ULONG length)
    {
        if (Decoders.TryGetValue(mechanism, out var decoder)) return decoder((byte*)parameter, length);
        if (length == 0) return MechanismParameter.None;
        return new BytesParameter(Args.In((byte*)parameter, length).ToArray());
    }

    private static FrozenDictionary<CKM, Decoder> Build()
    {
        var decoders = new Dictionary<CKM, Decoder>();
        // Each family adds its registration here, e.g. RsaParameters.Register(decoders);
        HmacParameterDecoders.Register(decoders);
        PbeParameterDecoders.Register(decoders);
        HkdfParameterDecoders.Register(decoders);
        Sp800108ParameterDecoders.Register(decoders);
        KeyDerivationParameterDecoders.Register(decoders);
        TlsParameterDecoders.Register(decoders);
        RsaParameterDecoders.Register(decoders);
        IkeParameterDecoders.Register(decoders);
        EcParameterDecoders.Register(decoders);
        DhParameterDecoders.Register(decoders);
        CipherParameterDecoders.Register(decoders);
        KemParameterDecoders.Register(decoders);
        return decoders.ToFrozenDictionary();
    }

    /// <summary>The structure at <paramref name="parameter"/>, after checking its length exactly.</summary>
    public static T* Struct<T>(byte* parameter, CK_ULONG length) where T : unmanaged
    {
        if (parameter == null || Args.IsBad(parameter) || (ulong)length != (ulong)sizeof(T))
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        return (T*)parameter;
    }

    /// <summary>A byte string inside a parameter structure (pointer + length); NULL is allowed only with length 0.</summary>
    public static byte[] Bytes(byte* p, CK_ULONG length)
    {
        if (length == 0) return [];
        if (p == null || Args.IsBad(p) || (ulong)length > int.MaxValue) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        return new ReadOnlySpan<byte>(p, (int)length).ToArray();
    }

    /// <summary>A parameter that is a single CK_ULONG.</summary>
    public static MechanismParameter Ulong(byte* parameter, CK_ULONG length) =>
        new UlongParameter((ulong)*Struct<CK_ULONG>(parameter, length));
}
