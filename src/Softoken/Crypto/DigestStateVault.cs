using System.Buffers.Binary;
using System.Security.Cryptography;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>C_GetOperationState / C_SetOperationState for digest operations. Neither BouncyCastle 2.7.0 for .NET
/// (its digests are only <c>IMemoable</c>: Copy, no encoded state) nor OpenSSL through .NET can serialise a
/// running hash, so the saved state is a ticket: the vault keeps a clone of the engine and hands out
/// <c>magic | CK_MECHANISM_TYPE | flags | id | HMAC tag</c>; restoring clones the kept engine again, so one
/// state can be restored any number of times. A ticket is valid in this process until C_Finalize (which calls
/// <see cref="Clear"/>) or until <see cref="Capacity"/> newer states push it out; anything else is
/// CKR_SAVED_STATE_INVALID. The vault belongs to the module state (one per C_Initialize).</summary>
internal sealed class DigestStateVault
{
    public const int Capacity = 256;

    /// <summary>The exact length of every saved state, for the C_GetOperationState length query.</summary>
    public const int StateLength = 4 + 8 + 4 + 8 + TagLength;

    private const int TagLength = 16;
    private static ReadOnlySpan<byte> Magic => "SDS1"u8;

    private readonly Lock gate = new();
    private readonly byte[] tagKey = RandomNumberGenerator.GetBytes(32);
    private readonly Dictionary<ulong, (CKM Mechanism, IDigestEngine Engine)> kept = [];
    private readonly Queue<ulong> order = new();
    private ulong nextId = BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8));

    public byte[] Save(DigestOperation operation)
    {
        var clone = operation.Engine.Clone();
        ulong id;
        lock (gate)
        {
            id = nextId++;
            kept[id] = (operation.Mechanism, clone);
            order.Enqueue(id);
            while (order.Count > Capacity && kept.Remove(order.Dequeue(), out var old)) old.Engine.Dispose();
        }
        var state = new byte[StateLength];
        Magic.CopyTo(state);
        BinaryPrimitives.WriteUInt64LittleEndian(state.AsSpan(4), (ulong)operation.Mechanism);
        state[12] = operation.MultiPart ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt64LittleEndian(state.AsSpan(16), id);
        Tag(state.AsSpan(0, StateLength - TagLength), state.AsSpan(StateLength - TagLength));
        return state;
    }

    /// <summary>A new digest operation in the saved state; throws CKR_SAVED_STATE_INVALID for anything that is not
    /// a live ticket of this vault.</summary>
    public DigestOperation Restore(ReadOnlySpan<byte> state)
    {
        if (state.Length != StateLength || !state.StartsWith(Magic)) throw Invalid();
        Span<byte> tag = stackalloc byte[TagLength];
        Tag(state[..(StateLength - TagLength)], tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, state[(StateLength - TagLength)..])) throw Invalid();
        var mechanism = (CKM)BinaryPrimitives.ReadUInt64LittleEndian(state[4..]);
        ulong id = BinaryPrimitives.ReadUInt64LittleEndian(state[16..]);
        IDigestEngine engine;
        lock (gate)
        {
            if (!kept.TryGetValue(id, out var entry) || entry.Mechanism != mechanism) throw Invalid();
            engine = entry.Engine.Clone();
        }
        return new DigestOperation(mechanism, engine) { MultiPart = state[12] != 0 };
    }

    public void Clear()
    {
        lock (gate)
        {
            foreach (var (_, engine) in kept.Values) engine.Dispose();
            kept.Clear();
            order.Clear();
        }
    }

    private void Tag(ReadOnlySpan<byte> data, Span<byte> tag)
    {
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(tagKey, data, full);
        full[..TagLength].CopyTo(tag);
    }

    private static Pkcs11Exception Invalid() => new(CKR.CKR_SAVED_STATE_INVALID);
}
