# Softoken build entry point (Windows, PowerShell 7).
#   ./build.ps1          publish out/softoken.dll (NativeAOT, win-x64)
#   ./build.ps1 test     publish, then the unit and native test suites
# On Windows CK_ULONG is 32 bits and PKCS #11 structures are packed to 1 byte; the WINDOWS_ABI symbol switches the
# ABI layer (src/Softoken.Native/Abi) to that layout. SQLite is linked statically when SQLITE_LIB names a static
# sqlite3.lib (MSVC); otherwise the module loads e_sqlite3.dll placed next to it.
param([string]$Command = "build")
$ErrorActionPreference = "Stop"
Set-Location $PSScriptRoot
$out = Join-Path $PSScriptRoot "out"
$module = Join-Path $out "softoken.dll"

function Publish {
    $props = @("-c", "Release", "-r", "win-x64", "-o", (Join-Path $out "publish"), "-nologo")
    if ($env:SQLITE_LIB) { $props += "-p:SqliteStaticLib=$($env:SQLITE_LIB)" }
    dotnet publish src/Softoken.Native/Softoken.Native.csproj @props
    if ($LASTEXITCODE -ne 0) { throw "publish failed" }
    Copy-Item (Join-Path $out "publish/libsoftoken.dll") $module -Force
    Write-Host "published $module"
}

function Test {
    $env:SOFTOKEN_MODULE = $module
    foreach ($project in @("Softoken.Tests", "Softoken.NativeTests")) {
        dotnet test "tests/$project/$project.csproj" -c Release -nologo
        if ($LASTEXITCODE -ne 0) { throw "$project failed" }
    }
}

switch ($Command) {
    "build" { Publish }
    "test" { Publish; Test }
    default { throw "usage: ./build.ps1 [build|test]" }
}
