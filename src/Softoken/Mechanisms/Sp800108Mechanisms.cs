using System.Buffers.Binary;
using System.Security.Cryptography;
using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>NIST SP 800-108 KDFs (PKCS #11 v3.0 section 2.43.7): counter, feedback and double-pipeline mode, with an
/// HMAC or CMAC PRF (the libraries' HMAC and CMAC; the iteration and the fixed input are assembled here from the
/// CK_PRF_DATA_PARAM list). Additional derived keys are not supported yet (CKR_MECHANISM_PARAM_INVALID).
/// NSS's CKM_NSS_SP800_108_*_DERIVE_DATA are the same KDFs whose result the session stores as a data object
/// (CKO_DATA with this CKA_VALUE), as for CKM_HKDF_DATA. softokn lists all six on both slots.</summary>
internal static class Sp800108Mechanisms
{
    private enum Mode
    {
        Counter,
        Feedback,
        DoublePipeline,
    }

    public static IEnumerable<MechanismRow> Rows()
    {
        yield return Row(CKM.CKM_SP800_108_COUNTER_KDF, Mode.Counter);
        yield return Row(CKM.CKM_SP800_108_FEEDBACK_KDF, Mode.Feedback);
        yield return Row(CKM.CKM_SP800_108_DOUBLE_PIPELINE_KDF, Mode.DoublePipeline);
        yield return Row(CKM.CKM_NSS_SP800_108_COUNTER_KDF_DERIVE_DATA, Mode.Counter);
        yield return Row(CKM.CKM_NSS_SP800_108_FEEDBACK_KDF_DERIVE_DATA, Mode.Feedback);
        yield return Row(CKM.CKM_NSS_SP800_108_DOUBLE_PIPELINE_KDF_DERIVE_DATA, Mode.DoublePipeline);
    }

    private static MechanismRow Row(CKM type, Mode mode) => new()
    {
        Type = type,
        MinKeySize = 1,
        MaxKeySize = uint.MaxValue,
        Derive = request =>
        {
            if (request.Parameter is not Sp800108Parameter p || p.AdditionalDerivedKeys != 0 || (mode == Mode.Feedback) != (p.Iv is not null))
                throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
            int length = DerivedKeys.RequiredLength(request.Template);
            var value = Derive(mode, p, HmacMechanisms.SecretValue(request.BaseKey), length);
            return new DeriveResult(DerivedKeys.Secret(value, request.Template));
        },
    };

    private static byte[] Derive(Mode mode, Sp800108Parameter p, ReadOnlySpan<byte> key, int length)
    {
        Validate(mode, p.DataParams);
        using var prf = Prfs.Create(p.PrfType, key) ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        int h = prf.Size;
        long blocks = ((long)length + h - 1) / h;
        if (blocks > uint.MaxValue) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        var output = new byte[blocks * h];
        // Feedback: K(0) = IV. Double pipeline: A(0) = the fixed input itself, A(i) = PRF(A(i-1)).
        byte[] chain = mode == Mode.Feedback ? p.Iv! : [];
        var a = new byte[h];
        var dkm = (Key: (ulong)length * 8, Segments: (ulong)output.Length * 8);
        for (long i = 1; i <= blocks; i++)
        {
            if (mode == Mode.DoublePipeline)
            {
                if (i == 1) Absorb(prf, p.DataParams, null, 0, dkm, pipeline: true);
                else prf.Update(a);
                prf.Finish(a);
                chain = a;
            }
            Absorb(prf, p.DataParams, chain, (uint)i, dkm, pipeline: false);
            var block = output.AsSpan((int)((i - 1) * h), h);
            prf.Finish(block);
            if (mode == Mode.Feedback) chain = block.ToArray();
        }
        CryptographicOperations.ZeroMemory(a);
        var result = output.AsSpan(0, length).ToArray();
        CryptographicOperations.ZeroMemory(output);
        return result;
    }

    /// <summary>Feeds the data parameters to the PRF. In the first pipeline of double-pipeline mode the iteration
    /// variable and the optional counter are left out (SP 800-108 section 5.3: A(1) = PRF(K, fixed input)).</summary>
    private static void Absorb(
        IPrf prf, IReadOnlyList<PrfDataParam> items, byte[]? chain, uint counter, (ulong Key, ulong Segments) dkm, bool pipeline)
    {
        Span<byte> number = stackalloc byte[8];
        foreach (var item in items)
        {
            switch (item)
            {
                case PrfIterationVariable { Format: { } format }:
                    prf.Update(Encode(counter, format.LittleEndian, format.WidthInBits, number));
                    break;
                case PrfIterationVariable:
                    if (!pipeline) prf.Update(chain);
                    break;
                case PrfCounter c:
                    if (!pipeline) prf.Update(Encode(counter, c.Format.LittleEndian, c.Format.WidthInBits, number));
                    break;
                case PrfDkmLength d:
                    ulong bits = d.Method == Sp800108.SP800_108_DKM_LENGTH_SUM_OF_SEGMENTS ? dkm.Segments : dkm.Key;
                    prf.Update(Encode(bits, d.LittleEndian, d.WidthInBits, number));
                    break;
                case PrfByteArray b:
                    prf.Update(b.Value);
                    break;
            }
        }
    }

    /// <summary>The parameter list rules of section 2.43.7: exactly one iteration variable (with a counter
    /// format in counter mode, without one otherwise), at most one DKM length, counters only outside counter mode,
    /// widths a whole number of bytes from 8 to 64 bits.</summary>
    private static void Validate(Mode mode, IReadOnlyList<PrfDataParam> items)
    {
        int iterations = 0, dkm = 0, counters = 0;
        foreach (var item in items)
        {
            switch (item)
            {
                case PrfIterationVariable v:
                    iterations++;
                    if ((mode == Mode.Counter) != (v.Format is not null) || (v.Format is { } f && !ValidWidth(f.WidthInBits)))
                        throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
                    break;
                case PrfCounter c:
                    counters++;
                    if (mode == Mode.Counter || !ValidWidth(c.Format.WidthInBits)) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
                    break;
                case PrfDkmLength d:
                    dkm++;
                    if (!ValidWidth(d.WidthInBits) || d.Method is not (Sp800108.SP800_108_DKM_LENGTH_SUM_OF_KEYS or Sp800108.SP800_108_DKM_LENGTH_SUM_OF_SEGMENTS))
                        throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
                    break;
            }
        }
        if (iterations != 1 || dkm > 1 || counters > 1) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
    }

    private static bool ValidWidth(ulong bits) => bits is >= 8 and <= 64 && bits % 8 == 0;

    private static ReadOnlySpan<byte> Encode(ulong value, bool littleEndian, ulong widthInBits, Span<byte> scratch)
    {
        int width = (int)widthInBits / 8;
        if (littleEndian)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(scratch, value);
            return scratch[..width];
        }
        BinaryPrimitives.WriteUInt64BigEndian(scratch, value);
        return scratch[(8 - width)..];
    }
}
