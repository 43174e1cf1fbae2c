using System.Diagnostics;

namespace Softoken.TestSupport;

/// <summary>A small C program compiled with gcc at test time into a private temporary directory: an independent
/// client of the module (the system's own headers, dlopen, no .NET in between).</summary>
internal sealed class CProgram : IDisposable
{
    private readonly string directory;

    private CProgram(string directory, string executable)
    {
        this.directory = directory;
        Executable = executable;
    }

    public string Executable { get; }

    /// <summary>Compiles <paramref name="sourceFile"/> (relative to the test assembly) with the given extra gcc
    /// arguments; a compiler error fails the test with gcc's output.</summary>
    public static CProgram Compile(string sourceFile, params string[] gccArguments)
    {
        var source = Path.Combine(AppContext.BaseDirectory, sourceFile);
        if (!File.Exists(source)) throw new FileNotFoundException("C source not copied next to the tests", source);
        var dir = Directory.CreateTempSubdirectory("softoken-cprobe-").FullName;
        var exe = Path.Combine(dir, Path.GetFileNameWithoutExtension(source));
        var args = new List<string> { "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror", "-O1", "-o", exe, source };
        args.AddRange(gccArguments);
        args.Add("-ldl");
        var result = Run("gcc", args, null);
        if (result.ExitCode != 0)
        {
            Directory.Delete(dir, recursive: true);
            throw new InvalidOperationException($"gcc failed ({result.ExitCode}):\n{result.Output}");
        }
        return new CProgram(dir, exe);
    }

    public ProcessResult Run(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        Run(Executable, arguments, environment);

    public static ProcessResult Run(string program, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                if (value is null) info.Environment.Remove(name);
                else info.Environment[name] = value;
            }
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish");
        }
        return new ProcessResult(process.ExitCode, stdout, stderr.Result);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput + StandardError;

    public IEnumerable<string> Lines => StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
