using Softoken.Mechanisms;
using Softoken.Pkcs11;

namespace Softoken.Tests.Mechanisms;

/// <summary>softokn's mechanism list (shared/reference/softokn-mechanisms.tsv: name, default-build, slots,
/// build-condition), found by walking up from the test assembly to the folder that holds <c>shared/</c> (the
/// worktree's parent locally, the clone's parent in CI). A missing file is an error, never a skip.</summary>
internal static class SoftoknReference
{
    public sealed record Entry(string Name, CKM? Type, SlotSet Slots);

    public static IReadOnlyList<Entry> ActiveEntries() => Load().Where(e => e.Active).Select(e => e.Entry).ToArray();

    public static string FindFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "reference", "softokn-mechanisms.tsv");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("shared/reference/softokn-mechanisms.tsv not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<(Entry Entry, bool Active)> Load()
    {
        foreach (var line in File.ReadAllLines(FindFile()))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split('\t');
            var slots = fields[2] switch
            {
                "slot1+slot2" => SlotSet.Both,
                "slot1-only" => SlotSet.Crypto,
                _ => throw new InvalidDataException("unknown slot column: " + line),
            };
            CKM? type = Enum.TryParse<CKM>(fields[0], out var t) ? t : null;
            yield return (new Entry(fields[0], type, slots), fields[1] == "active");
        }
    }
}
