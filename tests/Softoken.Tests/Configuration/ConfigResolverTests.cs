using Softoken.Configuration;

namespace Softoken.Tests.Configuration;

public sealed class ConfigResolverTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void InitParametersWinOverEnvironment()
    {
        var config = ConfigResolver.Resolve("configdir='sql:/a/b' flags=readOnly,passwordRequired minPWLen=6",
            Env(("SOFTOKEN_PARAMS", "configdir='sql:/env'"), ("HOME", "/home/u")));
        Assert.Equal("/a/b", config.DatabaseDirectory);
        Assert.True(config.ReadOnly);
        Assert.True(config.PasswordRequired);
        Assert.Equal(6, config.MinPinLength);
        Assert.Equal("C_Initialize parameters", config.Source);
    }

    [Fact]
    public void EnvironmentComesSecond()
    {
        var config = ConfigResolver.Resolve(null, Env(("SOFTOKEN_PARAMS", "configdir=/env/dir"), ("HOME", "/home/u")));
        Assert.Equal("/env/dir", config.DatabaseDirectory);
    }

    [Fact]
    public void ConfigFileComesThird()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var file = Path.Combine(dir.FullName, "softoken.conf");
            File.WriteAllText(file, "# comment\nconfigdir='sql:/from/file'\ndbTokenDescription='File Token'\n");
            var config = ConfigResolver.Resolve(null, Env(("SOFTOKEN_CONF", file), ("HOME", "/home/u")));
            Assert.Equal("/from/file", config.DatabaseDirectory);
            Assert.Equal("File Token", config.DbTokenDescription);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void DefaultIsUnderXdgDataHome()
    {
        Assert.Equal("/x/data/softoken",
            ConfigResolver.Resolve(null, Env(("XDG_DATA_HOME", "/x/data"), ("HOME", "/home/u"))).DatabaseDirectory);
        Assert.Equal("/home/u/.local/share/softoken",
            ConfigResolver.Resolve(null, Env(("HOME", "/home/u"), ("XDG_CONFIG_HOME", "/nonexistent"))).DatabaseDirectory);
    }

    [Fact]
    public void NssStyleStringWithDescriptionsParses()
    {
        var p = ParameterString.Parse(
            "configdir='sql:/tmp/x' certPrefix='' keyPrefix='' secmod='secmod.db' flags= manufacturerID=\"Acme Inc\" cryptoSlotDescription={Slot \\} One}");
        Assert.Equal("sql:/tmp/x", p["configdir"]);
        Assert.Equal("", p["certPrefix"]);
        Assert.Equal("", p["flags"]);
        Assert.Equal("Acme Inc", p["manufacturerID"]);
        Assert.Equal("Slot } One", p["cryptoSlotDescription"]);
    }
}
