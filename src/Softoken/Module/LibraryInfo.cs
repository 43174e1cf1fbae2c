namespace Softoken.Module;

/// <summary>The contents of CK_INFO.</summary>
internal static class LibraryInfo
{
    public const byte CryptokiMajor = 3;
    public const byte CryptokiMinor = 0;
    public const byte LibraryMajor = 0;
    public const byte LibraryMinor = 1;
}
