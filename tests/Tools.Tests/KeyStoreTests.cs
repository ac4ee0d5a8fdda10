using System.Text.Json;

namespace ScaiVault.Tools.Tests;

public sealed class KeyStoreTests : IDisposable
{
    private readonly TempDir temp = new();
    public void Dispose() => temp.Dispose();

    [Fact]
    public void Init_WritesPrivateKeyReadableOnlyByOwner()
    {
        if (OperatingSystem.IsWindows()) { Assert.Skip("Unix file modes only"); return; }
        var dir = temp.Sub("keys");

        var result = KeyStore.Init(dir, force: false);

        result.Created.ShouldBeTrue();
        File.GetUnixFileMode(result.PrivateKeyPath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.ReadAllText(result.PrivateKeyPath).ShouldStartWith("-----BEGIN PRIVATE KEY-----");
    }

    [Fact]
    public void Init_WritesJwksWithThePublicKeyOnly()
    {
        var result = KeyStore.Init(temp.Sub("keys"), force: false);

        using var doc = JsonDocument.Parse(File.ReadAllText(result.JwksPath));
        var keys = doc.RootElement.GetProperty("keys").EnumerateArray().ToList();
        keys.Count.ShouldBe(1);
        var key = keys[0];
        key.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal)
            .ShouldBe(["alg", "e", "kid", "kty", "n", "use"]);
        key.GetProperty("kty").GetString().ShouldBe("RSA");
        key.GetProperty("use").GetString().ShouldBe("sig");
        key.GetProperty("alg").GetString().ShouldBe("RS256");
        key.GetProperty("kid").GetString().ShouldBe(result.KeyId);
        key.GetProperty("e").GetString().ShouldBe("AQAB");
        // 2048-bit modulus: 256 bytes, 342 base64url characters without padding.
        key.GetProperty("n").GetString()!.Length.ShouldBe(342);
    }

    [Fact]
    public void Init_Again_KeepsTheKey()
    {
        var dir = temp.Sub("keys");
        var first = KeyStore.Init(dir, force: false);
        var pem = File.ReadAllText(first.PrivateKeyPath);

        var second = KeyStore.Init(dir, force: false);

        second.Created.ShouldBeFalse();
        second.KeyId.ShouldBe(first.KeyId);
        File.ReadAllText(second.PrivateKeyPath).ShouldBe(pem);
    }

    [Fact]
    public void Init_Again_RestoresADeletedJwks()
    {
        var dir = temp.Sub("keys");
        var first = KeyStore.Init(dir, force: false);
        var jwks = File.ReadAllText(first.JwksPath);
        File.Delete(first.JwksPath);

        KeyStore.Init(dir, force: false);

        File.ReadAllText(first.JwksPath).ShouldBe(jwks);
    }

    [Fact]
    public void Init_Force_ReplacesTheKeyAndKeepsItOwnerOnly()
    {
        var dir = temp.Sub("keys");
        var first = KeyStore.Init(dir, force: false);

        var second = KeyStore.Init(dir, force: true);

        second.Created.ShouldBeTrue();
        second.KeyId.ShouldNotBe(first.KeyId);
        File.ReadAllText(second.JwksPath).ShouldContain(second.KeyId);
        File.ReadAllText(second.JwksPath).ShouldNotContain(first.KeyId);
        if (!OperatingSystem.IsWindows())
            File.GetUnixFileMode(second.PrivateKeyPath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Exists(second.PrivateKeyPath + ".tmp").ShouldBeFalse();
    }

    [Fact]
    public void Load_KeyIdMatchesTheJwks()
    {
        var result = KeyStore.Init(temp.Sub("keys"), force: false);

        using var key = KeyStore.Load(result.Dir);

        key.KeyId.ShouldBe(result.KeyId);
        key.ToJwks().ShouldBe(File.ReadAllText(result.JwksPath));
    }

    [Fact]
    public void Load_WithoutInit_SaysToRunInit()
    {
        var error = Should.Throw<UserError>(() => KeyStore.Load(temp.Sub("missing")));

        error.Message.ShouldContain("Run `init` first");
    }

    [Fact]
    public void Load_PublicKeyPem_IsRefused()
    {
        var dir = temp.Sub("keys");
        var result = KeyStore.Init(dir, force: false);
        using (var key = KeyStore.Load(dir))
            File.WriteAllText(result.PrivateKeyPath, key.Rsa.ExportSubjectPublicKeyInfoPem());

        Should.Throw<UserError>(() => KeyStore.Load(dir)).Message.ShouldContain("does not hold an RSA private key");
    }
}
