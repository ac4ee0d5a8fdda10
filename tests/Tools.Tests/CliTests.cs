using System.Text.Json;

namespace ScaiVault.Tools.Tests;

/// <summary>The console layer: what lands on stdout (so eval and $(...) work) and the exit codes.</summary>
public sealed class CliTests : IDisposable
{
    private readonly TempDir temp = new();
    private readonly StringWriter stdout = new();
    private readonly StringWriter stderr = new();
    public void Dispose() => temp.Dispose();

    private string Dir => temp.Sub("keys");

    private Task<int> Run(params string[] args) => Cli.RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Init_PrintsOnlyTheExportLines()
    {
        (await Run("init", "--dir", Dir)).ShouldBe(0);

        stdout.ToString().ShouldBe(
            "export SCAIVAULT_JWT_ISSUER=https://scaikey.local\n" +
            "export SCAIVAULT_JWT_AUDIENCE=scaivault\n" +
            $"export SCAIVAULT_JWKS_URL={Cli.ShellWord(Path.Combine(Dir, "jwks.json"))}" + Environment.NewLine);
        stderr.ToString().ShouldContain("Created a new RSA-2048 signing key");
    }

    [Fact]
    public async Task Init_Twice_SaysTheKeyWasKept()
    {
        await Run("init", "--dir", Dir);

        (await Run("init", "--dir", Dir)).ShouldBe(0);

        stderr.ToString().ShouldContain("Kept the existing signing key");
    }

    [Fact]
    public async Task Token_PrintsOnlyTheJwt()
    {
        await Run("init", "--dir", Dir);
        stdout.GetStringBuilder().Clear();

        var exit = await Run("token", "--dir", Dir, "--sub", "sa:billing-prod", "--tenant", "acme",
            "--groups", "billing, ops", "--roles=partner-admin", "--scopes", "secrets:read  secrets:write", "--ttl", "15m");

        exit.ShouldBe(0);
        var output = stdout.ToString();
        output.ShouldEndWith(Environment.NewLine);
        var token = output.TrimEnd();
        token.ShouldMatch("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$");
        var payload = JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(token.Split('.')[1])).RootElement;
        payload.GetProperty("groups").EnumerateArray().Select(g => g.GetString()).ShouldBe(["billing", "ops"]);
        payload.GetProperty("roles").EnumerateArray().Select(g => g.GetString()).ShouldBe(["partner-admin"]);
        payload.GetProperty("scope").GetString().ShouldBe("secrets:read secrets:write");
        (payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64()).ShouldBe(900);
    }

    [Fact]
    public async Task Token_WithoutInit_ExitsWith2AndSaysRunInit()
    {
        var exit = await Run("token", "--dir", temp.Sub("nothing-here"), "--sub", "alice", "--tenant", "acme");

        exit.ShouldBe(2);
        stdout.ToString().ShouldBeEmpty();
        stderr.ToString().ShouldContain("Run `init` first");
    }

    [Theory]
    [InlineData("--tenant", "acme")]                                            // no --sub
    [InlineData("--sub", "alice")]                                              // no --tenant
    [InlineData("--sub", "alice", "--tenant", "Acme Corp")]                     // not a tenant id ScaiVault accepts
    [InlineData("--sub", "alice", "--tenant", "acme", "--ttl", "forever")]
    [InlineData("--sub", "alice", "--tenant", "acme", "--scope", "secrets:read")] // typo of --scopes
    [InlineData("--sub", "alice", "--tenant", "acme", "--sub", "bob")]
    [InlineData("--sub", "alice", "--tenant")]
    [InlineData("--sub", "alice", "--tenant", "acme", "extra")]
    public async Task Token_BadArguments_ExitWith2AndPrintNothingOnStdout(params string[] args)
    {
        await Run("init", "--dir", Dir);
        stdout.GetStringBuilder().Clear();

        var exit = await Run(["token", "--dir", Dir, .. args]);

        exit.ShouldBe(2);
        stdout.ToString().ShouldBeEmpty();
        stderr.ToString().ShouldContain("scaikey-dev: ");
    }

    [Fact]
    public async Task Jwks_PrintsTheJwksFile()
    {
        await Run("init", "--dir", Dir);
        stdout.GetStringBuilder().Clear();

        (await Run("jwks", "--dir", Dir)).ShouldBe(0);

        stdout.ToString().ShouldBe(File.ReadAllText(KeyStore.JwksPath(Dir)));
    }

    [Fact]
    public async Task Jwks_WithoutInit_ExitsWith2()
    {
        (await Run("jwks", "--dir", temp.Sub("nothing-here"))).ShouldBe(2);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("http")]
    public async Task Serve_BadPort_ExitsWith2(string port)
    {
        await Run("init", "--dir", Dir);

        (await Run("serve", "--dir", Dir, "--port", port)).ShouldBe(2);

        stderr.ToString().ShouldContain("--port");
    }

    [Theory]
    [InlineData]
    [InlineData("mint")]
    public async Task UnknownOrMissingCommand_ExitsWith2(params string[] args)
    {
        (await Run(args)).ShouldBe(2);
    }

    [Fact]
    public async Task Help_PrintsUsageOnStdout()
    {
        (await Run("token", "--help")).ShouldBe(0);

        stdout.ToString().ShouldContain("Usage:");
    }

    [Theory]
    [InlineData("scaivault", "scaivault")]
    [InlineData("/home/dev/ScaiVault/.data/dev/scaikey/jwks.json", "/home/dev/ScaiVault/.data/dev/scaikey/jwks.json")]
    [InlineData("/home/my dev/jwks.json", "'/home/my dev/jwks.json'")]
    [InlineData("/it's/jwks.json", "'/it'\\''s/jwks.json'")]
    public void ShellWord_QuotesOnlyWhenNeeded(string value, string expected) =>
        Cli.ShellWord(value).ShouldBe(expected);

    [Fact]
    public void DefaultDir_IsDataDevScaikeyNextToTheSolution()
    {
        var dir = KeyDirectory.Resolve(null);

        dir.ShouldEndWith(Path.Combine(".data", "dev", "scaikey"));
        File.Exists(Path.Combine(dir, "..", "..", "..", KeyDirectory.SolutionFile)).ShouldBeTrue();
    }
}
