using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Sessions;

/// <summary>Encryption, decryption, signing and verification (PKCS #11 v3.0 sections 5.9 to 5.14). The module
/// creates the operations (key checks, mechanism factories); the session runs them under its lock. A single-part
/// call or Final ends the operation whatever happens; the native layer answers length queries and too-small
/// buffers before calling here, so those never end an operation.</summary>
internal sealed partial class Session
{
    public ActiveOperation<ICipherOperation>? EncryptOp { get; set; }
    public ActiveOperation<ICipherOperation>? DecryptOp { get; set; }
    public ActiveOperation<ISignOperation>? SignOp { get; set; }
    public ActiveOperation<IVerifyOperation>? VerifyOp { get; set; }

    /// <summary>The PKCS #11 v3.2 signature-first verification (C_VerifySignatureInit): its own operation, beside
    /// C_VerifyInit's.</summary>
    public ActiveOperation<IVerifyOperation>? VerifySignatureOp { get; set; }
    public ActiveOperation<IRecoverOperation>? SignRecoverOp { get; set; }
    public ActiveOperation<IRecoverOperation>? VerifyRecoverOp { get; set; }

    public int CipherOneShotLength(bool encrypt, int inputLength)
    {
        lock (Gate) return Require(encrypt ? EncryptOp : DecryptOp).Operation.OneShotLength(inputLength);
    }

    public int CipherUpdateLength(bool encrypt, int inputLength)
    {
        lock (Gate)
        {
            var op = Require(encrypt ? EncryptOp : DecryptOp);
            if (op.Operation.SupportsMultiPart) return op.Operation.UpdateLength(inputLength);
            // The length query of a single-part-only mechanism answers as C_EncryptUpdate itself does.
            EndCipher(encrypt);
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID);
        }
    }

    public int CipherFinalLength(bool encrypt)
    {
        lock (Gate) return Require(encrypt ? EncryptOp : DecryptOp).Operation.FinalLength();
    }

    public int CipherOneShot(bool encrypt, ReadOnlySpan<byte> input, Span<byte> output)
    {
        lock (Gate)
        {
            var op = Require(encrypt ? EncryptOp : DecryptOp);
            try
            {
                if (op.MultiPart) throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE);
                CheckContextLogin(op.NeedsContextLogin);
                return op.Operation.OneShot(input, output);
            }
            finally
            {
                EndCipher(encrypt);
            }
        }
    }

    /// <summary>C_Encrypt / C_Decrypt under one acquisition of the lock: false (with the length needed) for a length
    /// query or a too-small buffer, which leave the operation active.</summary>
    public bool CipherOneShot(bool encrypt, ReadOnlySpan<byte> input, CallerBuffer output, out int length)
    {
        lock (Gate)
        {
            var op = Require(encrypt ? EncryptOp : DecryptOp);
            length = op.Operation.OneShotLength(input.Length);
            if (!output.Fits(length)) return false;
            try
            {
                if (op.MultiPart) throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE);
                CheckContextLogin(op.NeedsContextLogin);
                length = op.Operation.OneShot(input, output.Space);
                return true;
            }
            finally
            {
                EndCipher(encrypt);
            }
        }
    }

    public int CipherUpdate(bool encrypt, ReadOnlySpan<byte> input, Span<byte> output)
    {
        lock (Gate)
        {
            var op = Require(encrypt ? EncryptOp : DecryptOp);
            try
            {
                if (!op.Operation.SupportsMultiPart) throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID);
                CheckContextLogin(op.NeedsContextLogin);
                op.MultiPart = true;
                return op.Operation.Update(input, output);
            }
            catch
            {
                EndCipher(encrypt);
                throw;
            }
        }
    }

    public int CipherFinal(bool encrypt, Span<byte> output)
    {
        lock (Gate)
        {
            var op = Require(encrypt ? EncryptOp : DecryptOp);
            try
            {
                if (!op.Operation.SupportsMultiPart) throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID);
                CheckContextLogin(op.NeedsContextLogin);
                return op.Operation.Final(output);
            }
            finally
            {
                EndCipher(encrypt);
            }
        }
    }

    public int SignLength()
    {
        lock (Gate) return Require(SignOp).Operation.SignatureLength;
    }

    /// <summary>The active signature's output is as long as the caller's buffer (CKM_TLS_PRF_GENERAL).</summary>
    public bool SignLengthFromBuffer
    {
        get
        {
            lock (Gate) return SignOp?.Operation.LengthFromBuffer == true;
        }
    }

    public int Sign(ReadOnlySpan<byte> data, Span<byte> signature)
    {
        lock (Gate)
        {
            var op = Require(SignOp);
            try
            {
                if (op.MultiPart) throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE);
                CheckContextLogin(op.NeedsContextLogin);
                op.Operation.Update(data);
                return op.Operation.Final(signature);
            }
            finally
            {
                End(SignOp);
                SignOp = null;
            }
        }
    }

    /// <summary>C_Sign under one acquisition of the lock: false (with the length needed) for a length query or a
    /// too-small buffer, which leave the operation active. A mechanism whose output is as long as the buffer
    /// (<see cref="ISignOperation.LengthFromBuffer"/>) needs the buffer's length.</summary>
    public bool Sign(ReadOnlySpan<byte> data, CallerBuffer signature, out int length)
    {
        lock (Gate)
        {
            var op = Require(SignOp);
            length = op.Operation.SignatureLength;
            if (op.Operation.LengthFromBuffer && signature.Present)
            {
                if (signature.Bad) throw new Pkcs11Exception(CKR.CKR_ARGUMENTS_BAD);
                length = signature.Space.Length;
            }
            if (!signature.Fits(length)) return false;
            try
            {
                if (op.MultiPart) throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE);
                CheckContextLogin(op.NeedsContextLogin);
                op.Operation.Update(data);
                length = op.Operation.Final(signature.Space);
                return true;
            }
            finally
            {
                End(SignOp);
                SignOp = null;
            }
        }
    }

    public void SignUpdate(ReadOnlySpan<byte> data)
    {
        lock (Gate)
        {
            var op = Require(SignOp);
            try
            {
                if (!op.Operation.SupportsMultiPart) throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID);
                CheckContextLogin(op.NeedsContextLogin);
                op.MultiPart = true;
                op.Operation.Update(data);
            }
            catch
            {
                End(SignOp);
                SignOp = null;
                throw;
            }
        }
    }

    public int SignFinal(Span<byte> signature)
    {
        lock (Gate)
        {
            var op = Require(SignOp);
            try
            {
                if (!op.Operation.SupportsMultiPart) throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID);
                CheckContextLogin(op.NeedsContextLogin);
                return op.Operation.Final(signature);
            }
            finally
            {
                End(SignOp);
                SignOp = null;
            }
        }
    }

    /// <summary>C_Verify (C_VerifySignature when <paramref name="signatureFirst"/>, whose operation holds the
    /// signature): CKR_SIGNATURE_INVALID when the signature does not match.</summary>
    public void Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, bool signatureFirst = false)
    {
        lock (Gate)
        {
            var op = Require(VerifySlot(signatureFirst));
            try
            {
                if (op.MultiPart) throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE);
                op.Operation.Update(data);
                if (!op.Operation.Final(signature)) throw new Pkcs11Exception(CKR.CKR_SIGNATURE_INVALID);
            }
            finally
            {
                EndVerify(signatureFirst);
            }
        }
    }

    public void VerifyUpdate(ReadOnlySpan<byte> data, bool signatureFirst = false)
    {
        lock (Gate)
        {
            var op = Require(VerifySlot(signatureFirst));
            try
            {
                if (!op.Operation.SupportsMultiPart) throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID);
                op.MultiPart = true;
                op.Operation.Update(data);
            }
            catch
            {
                EndVerify(signatureFirst);
                throw;
            }
        }
    }

    public void VerifyFinal(ReadOnlySpan<byte> signature, bool signatureFirst = false)
    {
        lock (Gate)
        {
            var op = Require(VerifySlot(signatureFirst));
            try
            {
                if (!op.Operation.SupportsMultiPart) throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID);
                if (!op.Operation.Final(signature)) throw new Pkcs11Exception(CKR.CKR_SIGNATURE_INVALID);
            }
            finally
            {
                EndVerify(signatureFirst);
            }
        }
    }

    private ActiveOperation<IVerifyOperation>? VerifySlot(bool signatureFirst) => signatureFirst ? VerifySignatureOp : VerifyOp;

    private void EndVerify(bool signatureFirst)
    {
        if (signatureFirst)
        {
            End(VerifySignatureOp);
            VerifySignatureOp = null;
        }
        else
        {
            End(VerifyOp);
            VerifyOp = null;
        }
    }

    public int RecoverLength(bool sign, int inputLength)
    {
        lock (Gate) return Require(sign ? SignRecoverOp : VerifyRecoverOp).Operation.OutputLength(inputLength);
    }

    public int Recover(bool sign, ReadOnlySpan<byte> input, Span<byte> output)
    {
        lock (Gate)
        {
            var op = Require(sign ? SignRecoverOp : VerifyRecoverOp);
            try
            {
                if (sign) CheckContextLogin(op.NeedsContextLogin);
                return op.Operation.Run(input, output);
            }
            finally
            {
                if (sign)
                {
                    End(SignRecoverOp);
                    SignRecoverOp = null;
                }
                else
                {
                    End(VerifyRecoverOp);
                    VerifyRecoverOp = null;
                }
            }
        }
    }

    private static ActiveOperation<T> Require<T>(ActiveOperation<T>? op) where T : IDisposable =>
        op ?? throw new Pkcs11Exception(CKR.CKR_OPERATION_NOT_INITIALIZED);

    private void CheckContextLogin(bool needed)
    {
        if (!needed) return;
        if (!ContextAuthenticated) throw new Pkcs11Exception(CKR.CKR_USER_NOT_LOGGED_IN);
        ContextAuthenticated = false;
    }

    private void EndCipher(bool encrypt)
    {
        if (encrypt)
        {
            End(EncryptOp);
            EncryptOp = null;
        }
        else
        {
            End(DecryptOp);
            DecryptOp = null;
        }
    }

    private static void End<T>(ActiveOperation<T>? op) where T : IDisposable => op?.Dispose();

    /// <summary>Ends every cryptographic operation (C_CloseSession, C_Finalize, C_SessionCancel with all flags).</summary>
    private void EndCryptoOperations(ulong flags)
    {
        if ((flags & CKF.CKF_ENCRYPT) != 0) EndCipher(encrypt: true);
        if ((flags & CKF.CKF_DECRYPT) != 0) EndCipher(encrypt: false);
        if ((flags & CKF.CKF_SIGN) != 0) { End(SignOp); SignOp = null; }
        if ((flags & CKF.CKF_VERIFY) != 0)
        {
            EndVerify(signatureFirst: false);
            EndVerify(signatureFirst: true);
        }
        if ((flags & CKF.CKF_SIGN_RECOVER) != 0) { End(SignRecoverOp); SignRecoverOp = null; }
        if ((flags & CKF.CKF_VERIFY_RECOVER) != 0) { End(VerifyRecoverOp); VerifyRecoverOp = null; }
    }
}
