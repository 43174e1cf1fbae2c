using Softoken.Crypto;
using Softoken.Mechanisms;
using Softoken.Operations;
using Softoken.Pkcs11;
using static Softoken.Tests.Crypto.MechanismCalls;

namespace Softoken.Tests.Crypto;

public sealed class DigestTests
{
    private static string Digest(CKM mechanism, params byte[][] parts)
    {
        using var engine = MechanismRegistry.Get(mechanism).Digest!();
        foreach (var part in parts) engine.Update(part);
        var output = new byte[engine.Size];
        Assert.Equal(engine.Size, engine.Finish(output));
        return ToHex(output);
    }

    // RFC 1319 appendix A.5 (MD2), RFC 1321 appendix A.5 (MD5), FIPS 180-4 / NIST "Examples with intermediate
    // values" for "abc" (SHA-1, SHA-2, SHA-512/t), FIPS 202 / NIST SHA-3 examples for "abc".
    [Theory]
    [InlineData((ulong)CKM.CKM_MD2, "", "8350e5a3e24c153df2275c9f80692773")]
    [InlineData((ulong)CKM.CKM_MD2, "abc", "da853b0d3f88d99b30283a69e6ded6bb")]
    [InlineData((ulong)CKM.CKM_MD2, "message digest", "ab4f496bfb2a530b219ff33031fe06b0")]
    [InlineData((ulong)CKM.CKM_MD5, "", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData((ulong)CKM.CKM_MD5, "abc", "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData((ulong)CKM.CKM_SHA_1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d")]
    [InlineData((ulong)CKM.CKM_SHA224, "abc", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7")]
    [InlineData((ulong)CKM.CKM_SHA256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData((ulong)CKM.CKM_SHA384, "abc", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")]
    [InlineData((ulong)CKM.CKM_SHA512, "abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")]
    [InlineData((ulong)CKM.CKM_SHA512_224, "abc", "4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa")]
    [InlineData((ulong)CKM.CKM_SHA512_256, "abc", "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23")]
    [InlineData((ulong)CKM.CKM_SHA3_224, "abc", "e642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf")]
    [InlineData((ulong)CKM.CKM_SHA3_256, "abc", "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532")]
    [InlineData((ulong)CKM.CKM_SHA3_384, "abc", "ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b298d88cea927ac7f539f1edf228376d25")]
    [InlineData((ulong)CKM.CKM_SHA3_512, "abc", "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0")]
    public void Known_answers(ulong mechanism, string message, string expected) =>
        Assert.Equal(expected, Digest((CKM)mechanism, Ascii(message)));

    // FIPS 180-4 / FIPS 202 examples: one million repetitions of "a", fed in pieces so the engines that start on
    // BouncyCastle move to OpenSSL part-way.
    [Theory]
    [InlineData((ulong)CKM.CKM_SHA512, "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b")]
    [InlineData((ulong)CKM.CKM_SHA3_256, "5c8875ae474a3634ba4fd55ec85bffd661f32aca75c6d699d0cdcb6c115891c1")]
    public void One_million_a_in_pieces(ulong mechanism, string expected)
    {
        var parts = new List<byte[]>();
        for (int done = 0, size = 1; done < 1_000_000; size = size * 3 % 4099 + 1)
        {
            int n = Math.Min(size, 1_000_000 - done);
            parts.Add(Enumerable.Repeat((byte)'a', n).ToArray());
            done += n;
        }
        Assert.Equal(expected, Digest((CKM)mechanism, [.. parts]));
    }

    [Fact]
    public void Every_digest_is_the_same_one_shot_and_multi_part_across_the_size_threshold()
    {
        var data = new byte[3000];
        new Random(7).NextBytes(data);
        foreach (var row in MechanismRegistry.All.Where(r => r.Digest is not null))
        {
            string whole = Digest(row.Type, data);
            Assert.Equal(whole, Digest(row.Type, data[..1000], data[1000..1024], data[1024..]));
            Assert.Equal(whole, Digest(row.Type, data[..1], data[1..]));
        }
    }

    [Fact]
    public void An_engine_is_reusable_after_finish_and_after_dispose()
    {
        using (var engine = MechanismRegistry.Get(CKM.CKM_SHA256).Digest!()) engine.Update(Ascii("left behind"));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Digest(CKM.CKM_SHA256, Ascii("abc")));
        using var reused = MechanismRegistry.Get(CKM.CKM_SHA512).Digest!();
        var output = new byte[64];
        reused.Update(new byte[5000]);
        reused.Finish(output);
        reused.Update(Ascii("abc"));
        reused.Finish(output);
        Assert.StartsWith("ddaf35a1", ToHex(output));
    }

    [Fact]
    public void Saved_state_restores_any_number_of_times_for_every_digest()
    {
        var vault = new DigestStateVault();
        foreach (var row in MechanismRegistry.All.Where(r => r.Digest is not null))
        {
            foreach (int prefix in new[] { 10, 2000 })
            {
                var data = new byte[prefix + 50];
                new Random(prefix).NextBytes(data);
                using var op = new DigestOperation(row.Type, row.Digest!()) { MultiPart = true };
                op.Engine.Update(data.AsSpan(0, prefix));
                var state = vault.Save(op);
                Assert.Equal(DigestStateVault.StateLength, state.Length);
                op.Engine.Update(data.AsSpan(prefix));
                var expected = new byte[op.Size];
                op.Engine.Finish(expected);
                for (int i = 0; i < 2; i++)
                {
                    using var restored = vault.Restore(state);
                    Assert.Equal(row.Type, restored.Mechanism);
                    Assert.True(restored.MultiPart);
                    restored.Engine.Update(data.AsSpan(prefix));
                    var actual = new byte[restored.Size];
                    restored.Engine.Finish(actual);
                    Assert.Equal(ToHex(expected), ToHex(actual));
                }
            }
        }
    }

    [Fact]
    public void A_state_that_is_not_a_live_ticket_is_CKR_SAVED_STATE_INVALID()
    {
        var vault = new DigestStateVault();
        using var op = new DigestOperation(CKM.CKM_SHA256, MechanismRegistry.Get(CKM.CKM_SHA256).Digest!());
        var state = vault.Save(op);
        var tampered = (byte[])state.Clone();
        tampered[5] ^= 1;
        Assert.Equal(CKR.CKR_SAVED_STATE_INVALID, Fails(() => vault.Restore(tampered)));
        Assert.Equal(CKR.CKR_SAVED_STATE_INVALID, Fails(() => vault.Restore(state.AsSpan(1))));
        Assert.Equal(CKR.CKR_SAVED_STATE_INVALID, Fails(() => new DigestStateVault().Restore(state)));
        vault.Clear();
        Assert.Equal(CKR.CKR_SAVED_STATE_INVALID, Fails(() => vault.Restore(state)));
    }

    [Fact]
    public void The_oldest_states_are_dropped_past_the_capacity()
    {
        var vault = new DigestStateVault();
        using var op = new DigestOperation(CKM.CKM_MD5, MechanismRegistry.Get(CKM.CKM_MD5).Digest!());
        var first = vault.Save(op);
        for (int i = 0; i < DigestStateVault.Capacity; i++) vault.Save(op);
        Assert.Equal(CKR.CKR_SAVED_STATE_INVALID, Fails(() => vault.Restore(first)));
    }
}
