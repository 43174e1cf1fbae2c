using System.Runtime.InteropServices;

namespace Softoken.Native.Abi;

// The PKCS #11 v3.0 structures (pkcs11t.h), field for field. Sizes on Linux x86-64 are checked against the
// system header by tests/Softoken.Tests/Native/AbiLayoutTests.cs.

[StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
internal struct CK_VERSION
{
    public byte major;
    public byte minor;
}

[StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
internal unsafe struct CK_INFO
{
    public CK_VERSION cryptokiVersion;
    public fixed byte manufacturerID[32];
    public CK_ULONG flags;
    public fixed byte libraryDescription[32];
    public CK_VERSION libraryVersion;
}

[StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
internal unsafe struct CK_SLOT_INFO
{
    public fixed byte slotDescription[64];
    public fixed byte manufacturerID[32];
    public CK_ULONG flags;
    public CK_VERSION hardwareVersion;
    public CK_VERSION firmwareVersion;
}

[StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
internal unsafe struct CK_TOKEN_INFO
{
    public fixed byte label[32];
    public fixed byte manufacturerID[32];
    public fixed byte model[16];
    public fixed byte serialNumber[16];
    public CK_ULONG flags;
    public CK_ULONG ulMaxSessionCount;
    public CK_ULONG ulSessionCount;
    public CK_ULONG ulMaxRwSessionCount;
    public CK_ULONG ulRwSessionCount;
    public CK_ULONG ulMaxPinLen;
    public CK_ULONG ulMinPinLen;
    public CK_ULONG ulTotalPublicMemory;
    public CK_ULONG ulFreePublicMemory;
    public CK_ULONG ulTotalPrivateMemory;
    public CK_ULONG ulFreePrivateMemory;
    public CK_VERSION hardwareVersion;
    public CK_VERSION firmwareVersion;
    public fixed byte utcTime[16];
}

[StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
internal struct CK_SESSION_INFO
{
    public CK_ULONG slotID;
    public CK_ULONG state;
    public CK_ULONG flags;
    public CK_ULONG ulDeviceError;
}

[StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
internal struct CK_MECHANISM_INFO
{
    public CK_ULONG ulMinKeySize;
    public CK_ULONG ulMaxKeySize;
    public CK_ULONG flags;
}

[StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
internal unsafe struct CK_MECHANISM
{
    public CK_ULONG mechanism;
    public void* pParameter;
    public CK_ULONG ulParameterLen;
}

[StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
internal unsafe struct CK_ATTRIBUTE
{
    public CK_ULONG type;
    public void* pValue;
    public CK_ULONG ulValueLen;
}

[StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
internal unsafe struct CK_C_INITIALIZE_ARGS
{
    public void* CreateMutex;
    public void* DestroyMutex;
    public void* LockMutex;
    public void* UnlockMutex;
    public CK_ULONG flags;
    public void* pReserved;
}

[StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
internal unsafe struct CK_INTERFACE
{
    public byte* pInterfaceName;
    public void* pFunctionList;
    public CK_ULONG flags;
}
