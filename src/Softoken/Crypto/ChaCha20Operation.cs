using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>ChaCha20 as a stream cipher starting at any block counter: the RFC 8439 layout (32-bit counter, 96-bit
/// nonce) and the original one (64-bit counter, 64-bit nonce).
/// <para>Both layouts are the same 16-word state: words 12..15 hold counter and nonce. An RFC 8439 counter c with
/// nonce n0 n1 n2 is the original layout's 64-bit counter (n0 &lt;&lt; 32 | c) with nonce n1 n2, so one BouncyCastle
/// <see cref="ChaChaEngine"/> (whose 64-bit counter carries from word 12 into word 13) computes both. BouncyCastle
/// 2.7 starts that counter at 0 and offers only protected one-step <c>AdvanceCounter</c>; its state array
/// <c>engineState</c> is internal, so the initial counter words are written through an <see cref="UnsafeAccessorAttribute"/>
/// (resolved at compile time, no reflection, NativeAOT-safe; the package version is pinned, and the known-answer
/// tests at counters 1, 2^32 - 2 and above 2^32 fail if the field ever changes).</para>
/// <para>The keystream never wraps: RFC 8439 gives a 96-bit nonce 2^32 blocks, and implementations disagree on what
/// follows (OpenSSL carries into the nonce, softokn's freebl wraps to block 0), so input that would run past block
/// 2^32 - 1 (or 2^64 - 1 in the original layout) is refused with CKR_DATA_LEN_RANGE before any of it is
/// processed.</para></summary>
internal sealed class ChaCha20Operation : ICipherOperation
{
    private const int BlockSize = 64;

    private readonly ChaChaEngine engine = new();

    /// <summary>Keystream bytes left before the counter would wrap; UInt128 because the original layout has up to
    /// 2^64 blocks of 64 bytes.</summary>
    private UInt128 remaining;

    private ChaCha20Operation(ReadOnlySpan<byte> key, byte[] nonce8, uint word12, uint word13, UInt128 blocks)
    {
        engine.Init(true, new ParametersWithIV(new KeyParameter(key), nonce8));
        var state = EngineState(engine);
        state[12] = word12;
        state[13] = word13;
        remaining = blocks * BlockSize;
    }

    /// <summary>Starts at block <paramref name="counter"/>: a 12-byte nonce takes a 32-bit counter, an 8-byte one a
    /// 64-bit counter.</summary>
    public static ChaCha20Operation Create(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ulong counter)
    {
        if (key.Length != 32) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        switch (nonce.Length)
        {
            case 12 when counter <= uint.MaxValue:
                return new ChaCha20Operation(key, nonce[4..].ToArray(), (uint)counter,
                    BinaryPrimitives.ReadUInt32LittleEndian(nonce), (UInt128)(1UL << 32) - counter);
            case 8:
                return new ChaCha20Operation(key, nonce.ToArray(), (uint)counter, (uint)(counter >> 32),
                    ((UInt128)1 << 64) - counter);
            default:
                throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "engineState")]
    private static extern ref uint[] EngineState(Salsa20Engine engine);

    public int OneShotLength(int inputLength) => inputLength;

    public int OneShot(ReadOnlySpan<byte> input, Span<byte> output) => Update(input, output);

    public int UpdateLength(int inputLength) => inputLength;

    public int Update(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if ((UInt128)input.Length > remaining) throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
        engine.ProcessBytes(input, output[..input.Length]);
        remaining -= (UInt128)input.Length;
        return input.Length;
    }

    public int FinalLength() => 0;

    public int Final(Span<byte> output) => 0;

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "keyStream")]
    private static extern ref byte[] KeyStream(Salsa20Engine engine);

    /// <summary>Clears the engine's state (the key is words 4..11) and its buffered keystream block.</summary>
    public void Dispose()
    {
        Array.Clear(EngineState(engine));
        Array.Clear(KeyStream(engine));
    }
}
