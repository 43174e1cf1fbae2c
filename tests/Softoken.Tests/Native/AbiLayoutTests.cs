using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Native.Abi;

namespace Softoken.Tests.Native;

/// <summary>The module's ABI structures (src/Softoken.Native/Abi/Structs.cs) and its function lists against what a
/// C compiler makes of the system's PKCS #11 headers, and the published module as a C client sees it
/// (issue 2, item 5).</summary>
public sealed class AbiLayoutTests(AbiLayoutTests.Probes probes) : IClassFixture<AbiLayoutTests.Probes>
{
    private const string P11KitInclude = "/usr/include/p11-kit-1";
    private const string NssInclude = "/usr/include/nss";

    /// <summary>Both builds of the probe, compiled and run once for the class.</summary>
    public sealed class Probes
    {
        internal AbiProbe P11Kit { get; } = AbiProbe.Run("p11-kit pkcs11.h (v2.40)", [$"-I{P11KitInclude}"]);

        internal AbiProbe Oasis30 { get; } = File.Exists(Path.Combine(NssInclude, "pkcs11t.h"))
            ? AbiProbe.Run("OASIS pkcs11.h v3.0 from NSS", ["-DPROBE_OASIS_3_0", $"-I{NssInclude}", "-I/usr/include/nspr"])
            : throw new InvalidOperationException($"{NssInclude}/pkcs11t.h is missing: install libnss3-dev");

        internal IEnumerable<AbiProbe> Both => [P11Kit, Oasis30];
    }

    /// <summary>The module's structures by their C name; Structs.cs keeps the specification's field names.</summary>
    private static readonly Dictionary<string, Type> ModuleStructs = new()
    {
        ["CK_VERSION"] = typeof(CK_VERSION),
        ["CK_INFO"] = typeof(CK_INFO),
        ["CK_SLOT_INFO"] = typeof(CK_SLOT_INFO),
        ["CK_TOKEN_INFO"] = typeof(CK_TOKEN_INFO),
        ["CK_SESSION_INFO"] = typeof(CK_SESSION_INFO),
        ["CK_MECHANISM_INFO"] = typeof(CK_MECHANISM_INFO),
        ["CK_MECHANISM"] = typeof(CK_MECHANISM),
        ["CK_ATTRIBUTE"] = typeof(CK_ATTRIBUTE),
        ["CK_C_INITIALIZE_ARGS"] = typeof(CK_C_INITIALIZE_ARGS),
        ["CK_INTERFACE"] = typeof(CK_INTERFACE),
    };

    [Theory]
    [InlineData("CK_VERSION")]
    [InlineData("CK_INFO")]
    [InlineData("CK_SLOT_INFO")]
    [InlineData("CK_TOKEN_INFO")]
    [InlineData("CK_SESSION_INFO")]
    [InlineData("CK_MECHANISM_INFO")]
    [InlineData("CK_MECHANISM")]
    [InlineData("CK_ATTRIBUTE")]
    [InlineData("CK_C_INITIALIZE_ARGS")]
    public void StructMatchesP11KitHeader(string name) => AssertSameLayout(probes.P11Kit, name);

    [Theory]
    [InlineData("CK_VERSION")]
    [InlineData("CK_INFO")]
    [InlineData("CK_SLOT_INFO")]
    [InlineData("CK_TOKEN_INFO")]
    [InlineData("CK_SESSION_INFO")]
    [InlineData("CK_MECHANISM_INFO")]
    [InlineData("CK_MECHANISM")]
    [InlineData("CK_ATTRIBUTE")]
    [InlineData("CK_INTERFACE")]
    public void StructMatchesOasis30Header(string name) => AssertSameLayout(probes.Oasis30, name);

    /// <summary>NSS's copy of the header names the standard pReserved slot LibraryParameters and passes its
    /// parameter string there: the module must read exactly that offset.</summary>
    [Fact]
    public void NssLibraryParametersIsWhereTheModuleReadsPReserved()
    {
        var nss = probes.Oasis30.Fields["CK_C_INITIALIZE_ARGS"].Single(f => f.Name == "LibraryParameters");
        Assert.Equal((int)Marshal.OffsetOf<CK_C_INITIALIZE_ARGS>(nameof(CK_C_INITIALIZE_ARGS.pReserved)), nss.Offset);
        Assert.Equal(IntPtr.Size, nss.Size);
        var p11kit = probes.P11Kit.Fields["CK_C_INITIALIZE_ARGS"].Single(f => f.Name == "pReserved");
        Assert.Equal(p11kit.Offset, nss.Offset);
    }

    [Fact]
    public void FunctionList240IsVersionThenOnePointerPerFunctionInHeaderOrder()
    {
        foreach (var probe in probes.Both)
        {
            AssertFunctionListLayout(probe, "CK_FUNCTION_LIST", FunctionTable.Version240Count);
        }
        Assert.Equal(552, probes.P11Kit.Sizes["CK_FUNCTION_LIST"]);
    }

    [Fact]
    public void FunctionList30IsThe240ListFollowedByTheNewFunctions()
    {
        AssertFunctionListLayout(probes.Oasis30, "CK_FUNCTION_LIST_3_0", FunctionTable.Version30Count);
        var names30 = probes.Oasis30.Fields["CK_FUNCTION_LIST_3_0"].Select(f => f.Name).ToArray();
        var names240 = probes.P11Kit.Fields["CK_FUNCTION_LIST"].Select(f => f.Name).ToArray();
        Assert.Equal(names240, names30[..names240.Length]);
        Assert.Equal(["version", "C_GetInterfaceList", "C_GetInterface", "C_LoginUser", "C_SessionCancel"],
            names30[..1].Concat(names30[(names240.Length)..(names240.Length + 4)]));
    }

    /// <summary>No system header declares v3.2: the probe declares CK_FUNCTION_LIST_3_2 from the OASIS v3.2 order, and
    /// the module's 3.2 table must have that layout (the 3.0 list, then the twelve v3.2 functions).</summary>
    [Fact]
    public void FunctionList32IsThe30ListFollowedByTheV32Functions()
    {
        AssertFunctionListLayout(probes.Oasis30, "CK_FUNCTION_LIST_3_2", FunctionTable.Version32Count);
        Assert.Equal(IntPtr.Size * 105, probes.Oasis30.Sizes["CK_FUNCTION_LIST_3_2"]);
        var names32 = probes.Oasis30.Fields["CK_FUNCTION_LIST_3_2"].Select(f => f.Name).ToArray();
        var names30 = probes.Oasis30.Fields["CK_FUNCTION_LIST_3_0"].Select(f => f.Name).ToArray();
        Assert.Equal(names30, names32[..names30.Length]);
        Assert.Equal(["C_EncapsulateKey", "C_DecapsulateKey", "C_VerifySignatureInit", "C_VerifySignature",
            "C_VerifySignatureUpdate", "C_VerifySignatureFinal", "C_GetSessionValidationFlags", "C_AsyncComplete",
            "C_AsyncGetID", "C_AsyncJoin", "C_WrapKeyAuthenticated", "C_UnwrapKeyAuthenticated"], names32[names30.Length..]);
    }

    [Fact]
    public void EveryFunctionListEntryIsTheExportedSymbolOfTheSameName()
    {
        foreach (var probe in probes.Both)
        {
            Assert.True(probe.Completed, $"{probe.Header} probe did not finish:\n{probe.Result.Output}");
            Assert.DoesNotContain(probe.Failures,
                f => f.StartsWith("list", StringComparison.Ordinal) || f.StartsWith("export", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void InfoFunctionsWriteNothingPastTheirStructures()
    {
        foreach (var probe in probes.Both)
        {
            Assert.True(probe.Completed, $"{probe.Header} probe did not finish:\n{probe.Result.Output}");
            Assert.DoesNotContain(probe.Failures, f => f.StartsWith("canary", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void ProbesFoundNothingElse()
    {
        foreach (var probe in probes.Both)
        {
            Assert.True(probe.Completed, $"{probe.Header} probe did not finish:\n{probe.Result.Output}");
            Assert.Empty(probe.Failures);
            Assert.Equal(0, probe.Result.ExitCode);
        }
    }

    private static void AssertSameLayout(AbiProbe probe, string name)
    {
        var type = ModuleStructs[name];
        Assert.True(probe.Sizes.ContainsKey(name), $"{probe.Header}: no {name} in the probe output");
        Assert.Equal(probe.Sizes[name], Marshal.SizeOf(type));

        var cFields = probe.Fields[name].Where(f => f.Name != "LibraryParameters").ToList();
        var managed = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        Assert.Equal(cFields.Select(f => f.Name).Order(StringComparer.Ordinal),
            managed.Select(f => f.Name).Order(StringComparer.Ordinal));
        foreach (var c in cFields)
        {
            var field = managed.Single(f => f.Name == c.Name);
            Assert.True(c.Offset == (int)Marshal.OffsetOf(type, c.Name),
                $"{name}.{c.Name}: C offset {c.Offset}, module offset {Marshal.OffsetOf(type, c.Name)} ({probe.Header})");
            Assert.True(c.Size == FieldSize(field),
                $"{name}.{c.Name}: C size {c.Size}, module size {FieldSize(field)} ({probe.Header})");
        }
    }

    private static void AssertFunctionListLayout(AbiProbe probe, string name, int functionCount)
    {
        var fields = probe.Fields[name];
        Assert.Equal(1 + functionCount, fields.Count);
        Assert.Equal(IntPtr.Size * (1 + functionCount), probe.Sizes[name]);
        Assert.Equal(new CField("version", 0, 2), fields[0]);
        for (int i = 1; i < fields.Count; i++)
        {
            Assert.StartsWith("C_", fields[i].Name);
            Assert.Equal(new CField(fields[i].Name, IntPtr.Size * i, IntPtr.Size), fields[i]);
        }
    }

    private static int FieldSize(FieldInfo field)
    {
        if (field.FieldType.IsPointer) return IntPtr.Size;
        if (field.GetCustomAttribute<FixedBufferAttribute>() is { } buffer)
            return buffer.Length * Marshal.SizeOf(buffer.ElementType);
        return Marshal.SizeOf(field.FieldType);
    }
}
