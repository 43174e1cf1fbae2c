using Softoken.Objects;
using Softoken.Pkcs11;
using Softoken.Slots;

namespace Softoken.Tests.Objects;

/// <summary>The rules of <see cref="SharedAttributes"/> as the object table applies them: an operation's lease keeps
/// a session object's attributes intact, and the set is wiped (once, after the caches were told) as soon as it is
/// both retired (destroyed, replaced, its session closed, C_Finalize) and no longer leased.</summary>
public sealed class SessionObjectLeaseTests
{
    private readonly List<AttributeSet> wiped = [];
    private readonly ObjectTable table;

    private void Wiped(AttributeSet set)
    {
        lock (wiped) wiped.Add(set);
    }
    private readonly Slot slot = new(Slot.CryptoSlotId, new Softoken.Configuration.ModuleConfig { DatabaseDirectory = "unused", Source = "test" }, null);

    public SessionObjectLeaseTests() => table = new ObjectTable(Wiped);

    private ulong AddKey(byte value, ulong owner = 7) =>
        table.AddSessionObject(slot, owner, Attrs.AesKey(16, (CKA.CKA_LABEL, "key")).WithValue(value));

    private static bool IsWiped(AttributeSet set) => set.Count == 0;

    [Fact]
    public void AnUnusedObjectIsWipedWhenDestroyed()
    {
        var handle = AddKey(1);
        AttributeSet set;
        using (var lease = table.LeaseSessionObject(handle)!.Value.Lease) set = lease.Attributes;
        var value = set.Bytes(CKA.CKA_VALUE)!;

        Assert.True(table.RemoveSessionObject(handle));

        Assert.True(IsWiped(set));
        Assert.All(value, b => Assert.Equal(0, b));
        Assert.Same(set, Assert.Single(wiped));
        Assert.Null(table.LeaseSessionObject(handle));
    }

    [Fact]
    public void ALeasedObjectStaysIntactUntilTheLastLeaseEnds()
    {
        var handle = AddKey(2);
        var first = table.LeaseSessionObject(handle)!.Value.Lease;
        var second = table.LeaseSessionObject(handle)!.Value.Lease;
        Assert.Same(first.Attributes, second.Attributes);

        table.RemoveSessionObject(handle);
        Assert.Null(table.LeaseSessionObject(handle));
        first.Dispose();
        first.Dispose();
        Assert.Equal(Enumerable.Repeat((byte)2, 16), second.Attributes.Bytes(CKA.CKA_VALUE)!);
        Assert.Empty(wiped);

        second.Dispose();
        Assert.True(IsWiped(second.Attributes));
        Assert.Single(wiped);
    }

    [Fact]
    public void AReplacedSetIsRetiredAndNewLeasesSeeTheNewOne()
    {
        var handle = AddKey(3);
        var old = table.LeaseSessionObject(handle)!.Value.Lease;
        var replacement = old.Attributes.Clone();
        replacement.SetBool(CKA.CKA_ENCRYPT, false);

        Assert.True(table.ReplaceAttributes(handle, replacement));

        using (var fresh = table.LeaseSessionObject(handle)!.Value.Lease)
        {
            Assert.Same(replacement, fresh.Attributes);
            Assert.False(fresh.Attributes.Bool(CKA.CKA_ENCRYPT));
        }
        Assert.False(IsWiped(old.Attributes));
        old.Dispose();
        Assert.True(IsWiped(old.Attributes));
        Assert.False(IsWiped(replacement));
    }

    [Fact]
    public void ClosingTheOwnerSessionAndClearingRetireEverySet()
    {
        var owned = AddKey(4, owner: 1);
        var other = AddKey(5, owner: 2);
        var held = table.LeaseSessionObject(other)!.Value.Lease;
        AttributeSet ownedSet;
        using (var lease = table.LeaseSessionObject(owned)!.Value.Lease) ownedSet = lease.Attributes;

        table.RemoveOwnedBy(1);
        Assert.True(IsWiped(ownedSet));
        table.LeaseSessionObject(other)!.Value.Lease.Dispose();

        table.Clear();
        Assert.False(IsWiped(held.Attributes));
        Assert.Null(table.LeaseSessionObject(other));
        held.Dispose();
        Assert.True(IsWiped(held.Attributes));
    }

    [Fact]
    public void LeasesTakenWhileOtherThreadsChangeTheObjectNeverSeeAWipedSet()
    {
        var handle = AddKey(9);
        int replacements = 0;
        bool writing = true;
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            int seen = 0;
            while (Volatile.Read(ref writing) || seen < 100)
            {
                if (table.LeaseSessionObject(handle)?.Lease is not { } lease) continue;
                using (lease)
                {
                    var value = lease.Attributes.Bytes(CKA.CKA_VALUE)!;
                    Thread.SpinWait(20);
                    Assert.All(value, b => Assert.Equal(value[0], b));
                    Assert.NotEqual(0, value[0]);
                    seen++;
                }
            }
            return seen;
        })).ToArray();
        var writer = Task.Run(() =>
        {
            for (int i = 0; i < 3000; i++)
            {
                AttributeSet next;
                using (var current = table.LeaseSessionObject(handle)!.Value.Lease) next = current.Attributes.Clone();
                next.WithValue((byte)(replacements % 250 + 1));
                table.ReplaceAttributes(handle, next);
                replacements++;
            }
            Volatile.Write(ref writing, false);
        });
        Task.WaitAll([writer, .. readers]);

        Assert.All(readers, r => Assert.True(r.Result > 0));
        Assert.Equal(replacements, wiped.Count);
        Assert.All(wiped, set => Assert.True(IsWiped(set)));
        table.RemoveSessionObject(handle);
        Assert.Equal(replacements + 1, wiped.Distinct().Count());
    }

    [Fact]
    public void ALoadedTokenObjectIsWipedWhenItsLeaseEnds()
    {
        var loaded = Attrs.AesKey(16).WithValue(6);
        var lease = table.LeaseLoaded(loaded);
        Assert.False(IsWiped(loaded));
        lease.Dispose();
        Assert.True(IsWiped(loaded));
        Assert.Same(loaded, Assert.Single(wiped));
    }
}

internal static class AttributeSetTestExtensions
{
    public static AttributeSet WithValue(this AttributeSet set, byte fill)
    {
        set.Set(CKA.CKA_VALUE, Enumerable.Repeat(fill, set.Bytes(CKA.CKA_VALUE)!.Length).ToArray());
        return set;
    }
}
