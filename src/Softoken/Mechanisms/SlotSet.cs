namespace Softoken.Mechanisms;

/// <summary>Which slots list a mechanism in C_GetMechanismList (softokn's "privkey" column).</summary>
[Flags]
internal enum SlotSet
{
    None = 0,
    Crypto = 1,
    KeyStorage = 2,
    Both = Crypto | KeyStorage,
}
