namespace Softoken.Operations;

/// <summary>An active C_FindObjectsInit search: the matching handles, taken when the search started, and how
/// many C_FindObjects has returned.</summary>
internal sealed class FindOperation(IReadOnlyList<ulong> handles)
{
    private int next;

    public int Take(Span<ulong> destination)
    {
        int count = Math.Min(destination.Length, handles.Count - next);
        for (int i = 0; i < count; i++) destination[i] = handles[next + i];
        next += count;
        return count;
    }
}
