namespace Softoken.Configuration;

/// <summary>What C_Initialize was told: where the token database lives and how the slots describe themselves.
/// Names follow softokn's parameter string (configdir, flags, minPWLen, the descriptions); maxPinTries and
/// pinIterations are Softoken's own.</summary>
internal sealed record ModuleConfig
{
    public const string DatabaseFileName = "softoken.db";

    public required string DatabaseDirectory { get; init; }
    /// <summary>Where the configuration came from, for diagnostics: pReserved, environment, file or default.</summary>
    public required string Source { get; init; }
    public bool ReadOnly { get; init; }
    public bool PasswordRequired { get; init; }
    public bool NoKeyDatabase { get; init; }
    public int MinPinLength { get; init; }
    public int MaxPinLength { get; init; } = 255;
    public int MaxPinTries { get; init; } = 10;
    public int PinIterations { get; init; } = 100_000;
    public string ManufacturerId { get; init; } = "Softoken Project";
    public string LibraryDescription { get; init; } = "Softoken software PKCS #11 token";
    public string CryptoTokenDescription { get; init; } = "Softoken Generic Crypto Services";
    public string DbTokenDescription { get; init; } = "Softoken Certificate DB";
    public string CryptoSlotDescription { get; init; } = "Softoken Internal Cryptographic Services";
    public string DbSlotDescription { get; init; } = "Softoken User Private Key and Certificate Services";
    /// <summary>Import of an object already on the token updates it in place, as softokn does.</summary>
    public bool MergeDuplicates { get; init; } = true;

    public string DatabasePath => Path.Combine(DatabaseDirectory, DatabaseFileName);

    public static ModuleConfig FromParameters(string parameters, string source, string defaultDirectory)
    {
        var p = ParameterString.Parse(parameters);
        var flags = new HashSet<string>(
            (p.GetValueOrDefault("flags") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            StringComparer.OrdinalIgnoreCase);
        var config = new ModuleConfig
        {
            DatabaseDirectory = DirectoryOf(p.GetValueOrDefault("configdir")) ?? defaultDirectory,
            Source = source,
            ReadOnly = flags.Contains("readOnly"),
            PasswordRequired = flags.Contains("passwordRequired"),
            NoKeyDatabase = flags.Contains("noKeyDB"),
            MinPinLength = Number(p, "minPWLen", 0, 0, 255),
            MaxPinTries = Number(p, "maxPinTries", 10, 0, 1000),
            PinIterations = Number(p, "pinIterations", 100_000, 1_000, 10_000_000),
        };
        return config with
        {
            ManufacturerId = p.GetValueOrDefault("manufacturerID") ?? config.ManufacturerId,
            LibraryDescription = p.GetValueOrDefault("libraryDescription") ?? config.LibraryDescription,
            CryptoTokenDescription = p.GetValueOrDefault("cryptoTokenDescription") ?? config.CryptoTokenDescription,
            DbTokenDescription = p.GetValueOrDefault("dbTokenDescription") ?? config.DbTokenDescription,
            CryptoSlotDescription = p.GetValueOrDefault("cryptoSlotDescription") ?? config.CryptoSlotDescription,
            DbSlotDescription = p.GetValueOrDefault("dbSlotDescription") ?? config.DbSlotDescription,
            MergeDuplicates = !flags.Contains("noMerge"),
        };
    }

    private static string? DirectoryOf(string? configDir)
    {
        if (string.IsNullOrWhiteSpace(configDir)) return null;
        foreach (var prefix in new[] { "sql:", "dbm:", "extern:", "rdb:", "multiaccess:" })
        {
            if (configDir.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return configDir[prefix.Length..];
        }
        return configDir;
    }

    private static int Number(Dictionary<string, string> p, string name, int fallback, int min, int max) =>
        p.TryGetValue(name, out var text) && int.TryParse(text, out var n) ? Math.Clamp(n, min, max) : fallback;
}
