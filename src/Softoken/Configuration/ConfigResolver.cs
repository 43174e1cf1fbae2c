namespace Softoken.Configuration;

/// <summary>Finds the configuration, first found wins: the parameter string passed to C_Initialize, the
/// SOFTOKEN_PARAMS environment variable, the configuration file ($SOFTOKEN_CONF, else
/// $XDG_CONFIG_HOME/softoken/softoken.conf, else ~/.config/softoken/softoken.conf), and finally the defaults with
/// the database under $XDG_DATA_HOME/softoken (else ~/.local/share/softoken).</summary>
internal static class ConfigResolver
{
    public const string ParametersVariable = "SOFTOKEN_PARAMS";
    public const string ConfigFileVariable = "SOFTOKEN_CONF";

    public static ModuleConfig Resolve(string? initParameters, Func<string, string?> environment)
    {
        string defaultDir = DefaultDataDirectory(environment);
        if (!string.IsNullOrWhiteSpace(initParameters))
            return ModuleConfig.FromParameters(initParameters, "C_Initialize parameters", defaultDir);
        var fromEnvironment = environment(ParametersVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return ModuleConfig.FromParameters(fromEnvironment, ParametersVariable, defaultDir);
        var file = ConfigFilePath(environment);
        if (file is not null && File.Exists(file))
        {
            var lines = File.ReadAllLines(file).Where(l => !l.TrimStart().StartsWith('#'));
            return ModuleConfig.FromParameters(string.Join(' ', lines), file, defaultDir);
        }
        return ModuleConfig.FromParameters("", "defaults", defaultDir);
    }

    public static string? ConfigFilePath(Func<string, string?> environment)
    {
        var explicitFile = environment(ConfigFileVariable);
        if (!string.IsNullOrEmpty(explicitFile)) return explicitFile;
        var configHome = environment("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(configHome))
        {
            var home = environment("HOME");
            if (string.IsNullOrEmpty(home)) return null;
            configHome = Path.Combine(home, ".config");
        }
        return Path.Combine(configHome, "softoken", "softoken.conf");
    }

    public static string DefaultDataDirectory(Func<string, string?> environment)
    {
        var dataHome = environment("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(dataHome)) return Path.Combine(dataHome, "softoken");
        var home = environment("HOME");
        if (string.IsNullOrEmpty(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".local", "share", "softoken");
    }
}
