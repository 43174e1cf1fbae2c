using Softoken.Crypto;
using Softoken.Mechanisms;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Sessions;

/// <summary>Message digesting (PKCS #11 v3.0 section 5.12). Any error other than a length query or a too-small
/// buffer ends the operation.</summary>
internal sealed partial class Session
{
    /// <summary>The engine of the last digest that finished (a finished engine is reset), kept for the next
    /// C_DigestInit of the same mechanism on this session: creating a platform hash context (a native context, a
    /// safe handle with a finalizer) cost more than hashing a short message.</summary>
    private (CKM Mechanism, IDigestEngine Engine)? idleDigest;

    public void DigestInit(CKM mechanism, ReadOnlySpan<byte> parameter)
    {
        lock (Gate)
        {
            if (Digest is not null) throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE);
            var row = MechanismRegistry.Get(mechanism);
            if (row.Digest is null) throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID);
            if (!parameter.IsEmpty) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
            IDigestEngine engine;
            if (idleDigest is { } idle && idle.Mechanism == mechanism)
            {
                engine = idle.Engine;
                idleDigest = null;
            }
            else
            {
                engine = row.Digest();
            }
            Digest = new DigestOperation(mechanism, engine);
        }
    }

    public int DigestLength()
    {
        lock (Gate) return RequireDigest().Size;
    }

    public int DigestOnce(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        lock (Gate)
        {
            var op = RequireDigest();
            bool finished = false;
            try
            {
                if (op.MultiPart) throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE);
                op.Engine.Update(data);
                int length = op.Engine.Finish(destination);
                finished = true;
                return length;
            }
            finally
            {
                EndDigest(finished);
            }
        }
    }

    /// <summary>C_Digest under one acquisition of the lock: false (with the length needed) for a length query or a
    /// too-small buffer, which leave the operation active.</summary>
    public bool DigestOnce(ReadOnlySpan<byte> data, CallerBuffer destination, out int length)
    {
        lock (Gate)
        {
            var op = RequireDigest();
            length = op.Engine.Size;
            if (!destination.Fits(length)) return false;
            bool finished = false;
            try
            {
                if (op.MultiPart) throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE);
                op.Engine.Update(data);
                length = op.Engine.Finish(destination.Space);
                finished = true;
                return true;
            }
            finally
            {
                EndDigest(finished);
            }
        }
    }

    public void DigestUpdate(ReadOnlySpan<byte> data)
    {
        lock (Gate)
        {
            var op = RequireDigest();
            try
            {
                op.Engine.Update(data);
                op.MultiPart = true;
            }
            catch
            {
                EndDigest();
                throw;
            }
        }
    }

    public int DigestFinal(Span<byte> destination)
    {
        lock (Gate)
        {
            var op = RequireDigest();
            bool finished = false;
            try
            {
                int length = op.Engine.Finish(destination);
                finished = true;
                return length;
            }
            finally
            {
                EndDigest(finished);
            }
        }
    }

    /// <summary>C_GetOperationState: only a digest can be saved (in the module's vault, for this process).</summary>
    public byte[] SaveOperationState(DigestStateVault vault)
    {
        lock (Gate)
        {
            bool others = EncryptOp is not null || DecryptOp is not null || SignOp is not null || VerifyOp is not null
                || SignRecoverOp is not null || VerifyRecoverOp is not null;
            if (others) throw new Pkcs11Exception(CKR.CKR_STATE_UNSAVEABLE);
            return vault.Save(Digest ?? throw new Pkcs11Exception(CKR.CKR_OPERATION_NOT_INITIALIZED));
        }
    }

    /// <summary>C_SetOperationState: the saved digest replaces whatever digest is active.</summary>
    public void RestoreOperationState(DigestStateVault vault, ReadOnlySpan<byte> state)
    {
        var restored = vault.Restore(state);
        lock (Gate)
        {
            EndDigest();
            Digest = restored;
        }
    }

    private DigestOperation RequireDigest() => Digest ?? throw new Pkcs11Exception(CKR.CKR_OPERATION_NOT_INITIALIZED);

    /// <summary>Ends the digest. A finished engine is reset and becomes the idle one; any other is disposed.</summary>
    private void EndDigest(bool finished = false)
    {
        if (finished && Digest is { } op)
        {
            DisposeIdleDigest();
            idleDigest = (op.Mechanism, op.Engine);
        }
        else
        {
            Digest?.Dispose();
        }
        Digest = null;
    }

    private void DisposeIdleDigest()
    {
        idleDigest?.Engine.Dispose();
        idleDigest = null;
    }
}
