namespace Softoken.Objects;

/// <summary>A session object's attribute set, shared without a copy by the operations that use the object as their
/// key (an operation init used to deep-copy every attribute of its key). The set is never changed in place: a change
/// replaces it whole, and the replaced or destroyed set is retired. It is wiped (after <c>beforeWipe</c> let the
/// key-material caches forget its value) exactly once, when it is retired and no lease holds it any more: at once
/// when unused, else when the last operation using it ends. A lease is never granted on a retired set (the state
/// changes by compare-and-swap), so a destroyed or changed key is never handed out again.</summary>
internal sealed class SharedAttributes(AttributeSet attributes, Action<AttributeSet>? beforeWipe)
{
    private const int Retired = 1;
    private const int OneUser = 2;

    // users * 2 + (retired ? 1 : 0)
    private int state;

    public AttributeSet Attributes { get; } = attributes;

    /// <summary>A set that no table holds (a token object loaded for one operation): wiped when the lease ends.</summary>
    public static KeyLease Owned(AttributeSet attributes, Action<AttributeSet>? beforeWipe)
    {
        var shared = new SharedAttributes(attributes, beforeWipe);
        var lease = shared.TryLease()!;
        shared.Retire();
        return lease;
    }

    /// <summary>A lease, or null once the set is retired (it must then not be used: look the object up again).</summary>
    public KeyLease? TryLease()
    {
        int current = Volatile.Read(ref state);
        while ((current & Retired) == 0)
        {
            int seen = Interlocked.CompareExchange(ref state, current + OneUser, current);
            if (seen == current) return new KeyLease(this);
            current = seen;
        }
        return null;
    }

    /// <summary>The owner no longer holds the set (object destroyed or changed, session closed, C_Finalize).</summary>
    public void Retire()
    {
        if (Interlocked.Or(ref state, Retired) == 0) Wipe();
    }

    internal void Release()
    {
        if (Interlocked.Add(ref state, -OneUser) == Retired) Wipe();
    }

    private void Wipe()
    {
        beforeWipe?.Invoke(Attributes);
        Attributes.Dispose();
    }
}

/// <summary>One operation's hold on a key's attributes (see <see cref="SharedAttributes"/>); disposing it more than
/// once is harmless.</summary>
internal sealed class KeyLease(SharedAttributes shared) : IDisposable
{
    private SharedAttributes? holder = shared;

    public AttributeSet Attributes { get; } = shared.Attributes;

    public void Dispose() => Interlocked.Exchange(ref holder, null)?.Release();
}
