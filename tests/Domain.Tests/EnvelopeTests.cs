using System.Text;
using ScaiVault.Domain.Crypto;

namespace ScaiVault.Domain.Tests;

public sealed class EnvelopeTests
{
    private const string Tenant = "acme";
    private const string PathId = "apps/billing/db";
    private static readonly byte[] Plaintext = Encoding.UTF8.GetBytes("{\"password\":\"correct horse battery staple\"}");

    private static byte[] Aad(string tenant = Tenant, string path = PathId, int version = 1) =>
        Envelope.AssociatedData(tenant, path, version);

    private static byte[] Flip(byte[] bytes, int index)
    {
        var copy = bytes.ToArray();
        copy[index] ^= 0x01;
        return copy;
    }

    // ---- Seal / Open ------------------------------------------------------------------------------

    [Fact]
    public void SealThenOpen_SameKeyAndAad_ReturnsPlaintext()
    {
        var key = Envelope.NewDataKey();

        var sealedValue = Envelope.Seal(key, Plaintext, Aad());

        Envelope.Open(key, sealedValue, Aad()).ShouldBe(Plaintext);
    }

    [Fact]
    public void SealThenOpen_EmptyPlaintext_ReturnsEmpty()
    {
        var key = Envelope.NewDataKey();

        var sealedValue = Envelope.Seal(key, [], Aad());

        sealedValue.Ciphertext.ShouldBeEmpty();
        Envelope.Open(key, sealedValue, Aad()).ShouldBeEmpty();
    }

    [Fact]
    public void Seal_AnyValue_ProducesNonceTagAndCiphertextOfExpectedSizes()
    {
        var sealedValue = Envelope.Seal(Envelope.NewDataKey(), Plaintext, Aad());

        sealedValue.Nonce.Length.ShouldBe(Envelope.NonceSize);
        sealedValue.Tag.Length.ShouldBe(Envelope.TagSize);
        sealedValue.Ciphertext.Length.ShouldBe(Plaintext.Length);
        sealedValue.Ciphertext.ShouldNotBe(Plaintext);
    }

    [Fact]
    public void Seal_SameValueTwice_UsesDifferentNoncesAndCiphertexts()
    {
        var key = Envelope.NewDataKey();

        var first = Envelope.Seal(key, Plaintext, Aad());
        var second = Envelope.Seal(key, Plaintext, Aad());

        second.Nonce.ShouldNotBe(first.Nonce);
        second.Ciphertext.ShouldNotBe(first.Ciphertext);
        Envelope.Open(key, first, Aad()).ShouldBe(Plaintext);
        Envelope.Open(key, second, Aad()).ShouldBe(Plaintext);
    }

    [Fact]
    public void NewDataKey_TwoCalls_Returns32RandomBytesEach()
    {
        var first = Envelope.NewDataKey();
        var second = Envelope.NewDataKey();

        first.Length.ShouldBe(Envelope.KeySize);
        Envelope.KeySize.ShouldBe(32);
        second.ShouldNotBe(first);
    }

    [Theory]
    [InlineData("other-tenant", PathId, 1)]
    [InlineData(Tenant, "apps/billing/other", 1)]
    [InlineData(Tenant, PathId, 2)]
    [InlineData("ACME", PathId, 1)]
    [InlineData("", PathId, 1)]
    public void Open_DifferentAssociatedData_ThrowsSecretIntegrityException(string tenant, string path, int version)
    {
        var key = Envelope.NewDataKey();
        var sealedValue = Envelope.Seal(key, Plaintext, Aad());

        var ex = Should.Throw<SecretIntegrityException>(() => Envelope.Open(key, sealedValue, Aad(tenant, path, version)));

        ex.Message.ShouldBe("The stored ciphertext failed authentication.");
    }

    [Fact]
    public void Open_WrongKey_ThrowsSecretIntegrityException()
    {
        var sealedValue = Envelope.Seal(Envelope.NewDataKey(), Plaintext, Aad());

        Should.Throw<SecretIntegrityException>(() => Envelope.Open(Envelope.NewDataKey(), sealedValue, Aad()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(-1)]
    public void Open_TamperedCiphertext_ThrowsSecretIntegrityException(int index)
    {
        var key = Envelope.NewDataKey();
        var sealedValue = Envelope.Seal(key, Plaintext, Aad());
        var tampered = sealedValue with { Ciphertext = Flip(sealedValue.Ciphertext, index < 0 ? sealedValue.Ciphertext.Length - 1 : index) };

        Should.Throw<SecretIntegrityException>(() => Envelope.Open(key, tampered, Aad()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Envelope.TagSize - 1)]
    public void Open_TamperedTag_ThrowsSecretIntegrityException(int index)
    {
        var key = Envelope.NewDataKey();
        var sealedValue = Envelope.Seal(key, Plaintext, Aad());

        Should.Throw<SecretIntegrityException>(() => Envelope.Open(key, sealedValue with { Tag = Flip(sealedValue.Tag, index) }, Aad()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Envelope.NonceSize - 1)]
    public void Open_TamperedNonce_ThrowsSecretIntegrityException(int index)
    {
        var key = Envelope.NewDataKey();
        var sealedValue = Envelope.Seal(key, Plaintext, Aad());

        Should.Throw<SecretIntegrityException>(() => Envelope.Open(key, sealedValue with { Nonce = Flip(sealedValue.Nonce, index) }, Aad()));
    }

    [Fact]
    public void Open_TruncatedCiphertext_ThrowsSecretIntegrityException()
    {
        var key = Envelope.NewDataKey();
        var sealedValue = Envelope.Seal(key, Plaintext, Aad());

        Should.Throw<SecretIntegrityException>(() => Envelope.Open(key, sealedValue with { Ciphertext = sealedValue.Ciphertext[..^1] }, Aad()));
    }

    [Fact]
    public void Open_TruncatedTag_ThrowsSecretIntegrityException()
    {
        var key = Envelope.NewDataKey();
        var sealedValue = Envelope.Seal(key, Plaintext, Aad());

        Should.Throw<SecretIntegrityException>(() => Envelope.Open(key, sealedValue with { Tag = sealedValue.Tag[..^1] }, Aad()));
    }

    [Fact]
    public void Open_WrongNonceLength_ThrowsSecretIntegrityException()
    {
        var key = Envelope.NewDataKey();
        var sealedValue = Envelope.Seal(key, Plaintext, Aad());

        Should.Throw<SecretIntegrityException>(() => Envelope.Open(key, sealedValue with { Nonce = [.. sealedValue.Nonce, 0] }, Aad()));
    }

    [Fact]
    public void Open_SwappedCiphertextFromOtherVersion_ThrowsSecretIntegrityException()
    {
        // A ciphertext copied into another row (same key, other version's AAD) must not decrypt.
        var key = Envelope.NewDataKey();
        var v1 = Envelope.Seal(key, Encoding.UTF8.GetBytes("one"), Aad(version: 1));

        Should.Throw<SecretIntegrityException>(() => Envelope.Open(key, v1, Aad(version: 2)));
    }

    [Fact]
    public void AssociatedData_FieldsThatConcatenateAlike_Differ()
    {
        // The separators keep tenant "ab" + path "c" apart from "a" + "bc", and version 1 of "p1" from version 11 of "p".
        Envelope.AssociatedData("ab", "c", 1).ShouldNotBe(Envelope.AssociatedData("a", "bc", 1));
        Envelope.AssociatedData("t", "p1", 1).ShouldNotBe(Envelope.AssociatedData("t", "p", 11));
        Envelope.AssociatedData("t", "p", 1).ShouldBe(Envelope.AssociatedData("t", "p", 1));
    }

    // ---- WrapWith / UnwrapWith --------------------------------------------------------------------

    [Fact]
    public void WrapThenUnwrap_SameRootKeyAndAad_ReturnsDataKey()
    {
        var root = Envelope.NewDataKey();
        var dataKey = Envelope.NewDataKey();

        var wrapped = Envelope.WrapWith(root, dataKey, Aad());

        wrapped.Length.ShouldBe(Envelope.NonceSize + Envelope.TagSize + Envelope.KeySize);
        Envelope.UnwrapWith(root, wrapped, Aad()).ShouldBe(dataKey);
    }

    [Fact]
    public void WrapWith_SameKeyTwice_ProducesDifferentBytes()
    {
        var root = Envelope.NewDataKey();
        var dataKey = Envelope.NewDataKey();

        var first = Envelope.WrapWith(root, dataKey, Aad());
        var second = Envelope.WrapWith(root, dataKey, Aad());

        second.ShouldNotBe(first);
        first[..Envelope.NonceSize].ShouldNotBe(second[..Envelope.NonceSize]);
        Envelope.UnwrapWith(root, second, Aad()).ShouldBe(dataKey);
    }

    [Fact]
    public void WrapWith_Layout_IsNonceThenTagThenCiphertext()
    {
        var root = Envelope.NewDataKey();
        var dataKey = Envelope.NewDataKey();
        var wrapped = Envelope.WrapWith(root, dataKey, Aad());

        var asSealed = new SealedValue(
            wrapped[..Envelope.NonceSize],
            wrapped[(Envelope.NonceSize + Envelope.TagSize)..],
            wrapped[Envelope.NonceSize..(Envelope.NonceSize + Envelope.TagSize)]);

        Envelope.Open(root, asSealed, Aad()).ShouldBe(dataKey);
    }

    [Theory]
    [InlineData("other-tenant", PathId, 1)]
    [InlineData(Tenant, "apps/other", 1)]
    [InlineData(Tenant, PathId, 2)]
    public void UnwrapWith_WrongAad_ThrowsSecretIntegrityException(string tenant, string path, int version)
    {
        var root = Envelope.NewDataKey();
        var wrapped = Envelope.WrapWith(root, Envelope.NewDataKey(), Aad());

        Should.Throw<SecretIntegrityException>(() => Envelope.UnwrapWith(root, wrapped, Aad(tenant, path, version)));
    }

    [Fact]
    public void UnwrapWith_WrongRootKey_ThrowsSecretIntegrityException()
    {
        var wrapped = Envelope.WrapWith(Envelope.NewDataKey(), Envelope.NewDataKey(), Aad());

        Should.Throw<SecretIntegrityException>(() => Envelope.UnwrapWith(Envelope.NewDataKey(), wrapped, Aad()));
    }

    [Theory]
    [InlineData(0)]                                          // nonce
    [InlineData(Envelope.NonceSize)]                         // tag
    [InlineData(Envelope.NonceSize + Envelope.TagSize)]      // ciphertext
    [InlineData(Envelope.NonceSize + Envelope.TagSize + Envelope.KeySize - 1)]
    public void UnwrapWith_TamperedByte_ThrowsSecretIntegrityException(int index)
    {
        var root = Envelope.NewDataKey();
        var wrapped = Envelope.WrapWith(root, Envelope.NewDataKey(), Aad());

        Should.Throw<SecretIntegrityException>(() => Envelope.UnwrapWith(root, Flip(wrapped, index), Aad()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Envelope.NonceSize + Envelope.TagSize)]
    [InlineData(Envelope.NonceSize + Envelope.TagSize + Envelope.KeySize - 1)]
    [InlineData(Envelope.NonceSize + Envelope.TagSize + Envelope.KeySize + 1)]
    public void UnwrapWith_WrongLength_ThrowsSecretIntegrityException(int length)
    {
        var root = Envelope.NewDataKey();
        var wrapped = Envelope.WrapWith(root, Envelope.NewDataKey(), Aad());
        var resized = new byte[length];
        Array.Copy(wrapped, resized, Math.Min(length, wrapped.Length));

        var ex = Should.Throw<SecretIntegrityException>(() => Envelope.UnwrapWith(root, resized, Aad()));

        ex.Message.ShouldBe("The wrapped data key has the wrong length.");
    }

    [Fact]
    public void UnwrapWith_WrappedNon32ByteKey_ThrowsSecretIntegrityException()
    {
        // WrapWith does not check the key size; UnwrapWith refuses anything but a 32-byte data key.
        var root = Envelope.NewDataKey();
        var wrapped = Envelope.WrapWith(root, new byte[16], Aad());

        Should.Throw<SecretIntegrityException>(() => Envelope.UnwrapWith(root, wrapped, Aad()));
    }
}
