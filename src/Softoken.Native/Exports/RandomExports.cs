using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Module;
using Softoken.Native.Interop;
using Softoken.Pkcs11;

namespace Softoken.Native.Exports;

/// <summary>Random number generation (PKCS #11 v3.0 section 5.16), on both slots without login.</summary>
internal static unsafe class RandomExports
{
    [UnmanagedCallersOnly(EntryPoint = "C_SeedRandom", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SeedRandom(CK_ULONG hSession, byte* pSeed, CK_ULONG ulSeedLen)
    {
        try
        {
            var module = SoftokenModule.Current;
            _ = module.Sessions.Get(hSession);
            if (pSeed == null && ulSeedLen != 0) return Boundary.Rv(CKR.CKR_ARGUMENTS_BAD);
            module.Random.Seed(Args.In(pSeed, ulSeedLen));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_GenerateRandom", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GenerateRandom(CK_ULONG hSession, byte* RandomData, CK_ULONG ulRandomLen)
    {
        try
        {
            var module = SoftokenModule.Current;
            _ = module.Sessions.Get(hSession);
            if (ulRandomLen == 0) return Boundary.Ok;
            Args.Require(RandomData);
            module.Random.Fill(new Span<byte>(RandomData, Args.Length(ulRandomLen)));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }
}
