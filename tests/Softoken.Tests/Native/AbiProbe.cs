using System.Globalization;
using Softoken.TestSupport;

namespace Softoken.Tests.Native;

/// <summary>The output of one build of abi_probe.c: the layout the C compiler gives each structure under one
/// system header, and the problems the probe found in the published module.</summary>
internal sealed class AbiProbe
{
    private AbiProbe(string header, ProcessResult result)
    {
        Header = header;
        Result = result;
        foreach (var line in result.Lines)
        {
            var parts = line.Split(' ');
            switch (parts[0])
            {
                case "struct":
                    Sizes[parts[1]] = int.Parse(parts[2], CultureInfo.InvariantCulture);
                    break;
                case "field":
                    if (!Fields.TryGetValue(parts[1], out var fields)) Fields[parts[1]] = fields = [];
                    fields.Add(new CField(parts[2], int.Parse(parts[3], CultureInfo.InvariantCulture),
                        int.Parse(parts[4], CultureInfo.InvariantCulture)));
                    break;
                case "FAIL":
                    Failures.Add(line[5..]);
                    break;
                case "failures":
                    Completed = true;
                    break;
            }
        }
    }

    public string Header { get; }

    public ProcessResult Result { get; }

    /// <summary>True when the probe ran to its end (a crash in the module leaves no summary line).</summary>
    public bool Completed { get; }

    public Dictionary<string, int> Sizes { get; } = [];

    public Dictionary<string, List<CField>> Fields { get; } = [];

    public List<string> Failures { get; } = [];

    /// <summary>Compiles the probe against one header, then runs it on the published module with a fresh token
    /// directory.</summary>
    public static AbiProbe Run(string header, string[] gccArguments)
    {
        using var program = CProgram.Compile(Path.Combine("Native", "abi_probe.c"), gccArguments);
        var tokenDirectory = Directory.CreateTempSubdirectory("softoken-abi-").FullName;
        try
        {
            var result = program.Run([ModulePath.Value, $"configdir='sql:{tokenDirectory}' pinIterations=1000"]);
            return new AbiProbe(header, result);
        }
        finally
        {
            Directory.Delete(tokenDirectory, recursive: true);
        }
    }
}

internal sealed record CField(string Name, int Offset, int Size);
