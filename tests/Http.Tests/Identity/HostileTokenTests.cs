using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Alba;
using Microsoft.IdentityModel.Tokens;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Identity;

/// <summary>Every token here must be refused with 401 and the error envelope, and change nothing.</summary>
public sealed class HostileTokenTests(AppFixture fixture) : IntegrationContext(fixture)
{
    public static TheoryData<string> Cases => new(
        "alg_none", "hs256_with_public_key", "unknown_kid", "jku_elsewhere", "x5u_elsewhere", "expired", "not_yet_valid",
        "wrong_issuer", "wrong_audience", "missing_tenant", "invalid_tenant", "missing_subject", "no_expiry",
        "tampered_payload", "stripped_signature", "garbage_three_parts", "garbage_one_part", "empty_bearer");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Request_WithHostileToken_Is401(string name)
    {
        using var bait = new ConnectionCounter();
        var token = Hostile(name, bait.Url);

        foreach (var (method, url, body) in new[]
                 {
                     ("GET", "/v1/secrets/apps/db", (string?)null),
                     ("PUT", "/v1/secrets/apps/db", """{"data": {"k": "v"}}"""),
                     ("GET", "/v1/secrets", null),
                 })
        {
            var result = await Host.Scenario(s =>
            {
                s.Method(method).Url(url);
                s.WithToken(token);
                if (body is not null) s.RawJson(body);
                s.StatusCodeShouldBe(401);
            });
            Assert.Equal("unauthenticated", await result.ErrorCode());
        }

        Assert.Equal(0, bait.Connections);
        await using var session = Store.QuerySession("acme");
        Assert.Empty(await session.Events.FetchStreamAsync("apps/db", token: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Request_WithValidToken_IsServedInItsTenant()
    {
        var token = Fixture.Tokens.Mint(tenant: "acme");
        await Host.AllowEverything("acme", "identity:alice");
        await Host.Scenario(s =>
        {
            s.Put.Url("/v1/secrets/apps/db");
            s.WithToken(token);
            s.RawJson("""{"data": {"password": "pw-acme"}}""");
            s.StatusCodeShouldBeOk();
        });

        var read = await Host.Scenario(s => { s.Get.Url("/v1/secrets/apps/db"); s.WithToken(token); });

        Assert.Equal("pw-acme", (await read.Json())["data"]!["password"]!.GetValue<string>());
        Assert.Equal("alice", (await read.Json())["created_by"]!.GetValue<string>());
    }

    private string Hostile(string name, string baitUrl)
    {
        var tokens = Fixture.Tokens;
        var now = DateTime.UtcNow;
        var attacker = TestTokens.NewKey("test-key-1");
        return name switch
        {
            "alg_none" => Unsigned(tokens.Mint()),
            "hs256_with_public_key" => tokens.Mint(signing: new SigningCredentials(
                new SymmetricSecurityKey(tokens.Key.Rsa.ExportSubjectPublicKeyInfo()) { KeyId = tokens.Key.KeyId }, SecurityAlgorithms.HmacSha256)),
            "unknown_kid" => tokens.Mint(signing: new SigningCredentials(TestTokens.NewKey("not-published"), SecurityAlgorithms.RsaSha256)),
            "jku_elsewhere" => tokens.Mint(signing: new SigningCredentials(attacker, SecurityAlgorithms.RsaSha256),
                extraHeaders: new Dictionary<string, object> { ["jku"] = baitUrl + "/jwks.json" }),
            "x5u_elsewhere" => tokens.Mint(signing: new SigningCredentials(attacker, SecurityAlgorithms.RsaSha256),
                extraHeaders: new Dictionary<string, object> { ["x5u"] = baitUrl + "/cert.pem" }),
            "expired" => tokens.Mint(notBefore: now.AddHours(-2), expires: now.AddMinutes(-5)),
            "not_yet_valid" => tokens.Mint(notBefore: now.AddMinutes(5), expires: now.AddMinutes(20)),
            "wrong_issuer" => tokens.Mint(issuer: "https://evil.example"),
            "wrong_audience" => tokens.Mint(audience: "another-service"),
            "missing_tenant" => tokens.Mint(tenant: null),
            "invalid_tenant" => tokens.Mint(tenant: "ACME!\u0000"),
            "missing_subject" => tokens.Mint(sub: ""),
            "no_expiry" => NoExpiry(tokens),
            "tampered_payload" => Tampered(tokens.Mint(tenant: "acme")),
            "stripped_signature" => string.Join('.', tokens.Mint().Split('.')[..2]) + ".",
            "garbage_three_parts" => "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2lnbmF0dXJl",
            "garbage_one_part" => "definitely-not-a-token",
            "empty_bearer" => "",
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    private static string Unsigned(string token)
    {
        var parts = token.Split('.');
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        return $"{header}.{parts[1]}.";
    }

    private static string Tampered(string token)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"acme\"", "\"other\"");
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
    }

    private static string NoExpiry(TestTokens tokens)
    {
        // A descriptor without Expires still gets no exp claim because default times are off in TestTokens.
        var handler = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TestTokens.Issuer,
            Audience = TestTokens.Audience,
            Claims = new Dictionary<string, object> { ["sub"] = "alice", ["tenant_id"] = "acme", ["scope"] = "secrets:read" },
            SigningCredentials = new SigningCredentials(tokens.Key, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>A listener on 127.0.0.1 that only counts connections: a jku/x5u URL must never be fetched.</summary>
    private sealed class ConnectionCounter : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private int _connections;

        public ConnectionCounter()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        public int Connections => Volatile.Read(ref _connections);

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync();
                    Interlocked.Increment(ref _connections);
                }
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException) { }
        }

        public void Dispose() => _listener.Stop();
    }
}
