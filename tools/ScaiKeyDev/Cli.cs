using System.Globalization;
using System.Text.RegularExpressions;

namespace ScaiKeyDev;

/// <summary>
/// The command line over <see cref="KeyStore"/>, <see cref="TokenMinter"/> and <see cref="JwksServer"/>.
/// Only results go to stdout (exports, a token, the JWKS) so that <c>eval</c> and <c>$(...)</c> work;
/// everything meant for a person goes to stderr.
/// </summary>
public static partial class Cli
{
    public const int UserErrorExitCode = 2;

    public const string Usage = """
        ScaiKeyDev: plays ScaiKey for local development (a key pair, its JWKS, signed tokens).

        Usage: dotnet run --project tools/ScaiKeyDev -- <command> [options]

          init   [--dir DIR] [--force]
                 Create an RSA-2048 signing key (kept if present, replaced with --force) and its
                 jwks.json; print the SCAIVAULT_* exports for ScaiVault.
          token  --sub SUBJECT --tenant TENANT [--groups a,b] [--roles r1,r2]
                 [--scopes "secrets:read secrets:write"] [--ttl 1h|15m|3600s]
                 [--issuer ISSUER] [--audience AUDIENCE] [--dir DIR]
                 Print a signed JWT (only the JWT, on stdout).
          jwks   [--dir DIR]
                 Print the JWKS (public key only).
          serve  [--port PORT] [--dir DIR]
                 Serve the JWKS at http://127.0.0.1:PORT/.well-known/jwks.json until Ctrl-C.

        DIR defaults to .data/dev/scaikey next to ScaiVault.sln. Defaults: --issuer https://scaikey.local,
        --audience scaivault, --ttl 1h, --port 8210. Scopes: secrets:read secrets:write policies:write
        federation:read federation:write admin. See docs/local-identity.md.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        if (args is ["help", ..] || args.Any(a => a is "-h" or "--help"))
        {
            await stdout.WriteLineAsync(Usage);
            return 0;
        }
        try
        {
            if (args.Length == 0) throw new UserError("No command given.");
            var rest = args[1..];
            switch (args[0])
            {
                case "init": await InitAsync(rest, stdout, stderr); break;
                case "token": await TokenAsync(rest, stdout); break;
                case "jwks": await JwksAsync(rest, stdout); break;
                case "serve": await ServeAsync(rest, stdout, stderr, stop); break;
                default: throw new UserError($"Unknown command '{args[0]}'; the commands are init, token, jwks and serve.");
            }
            return 0;
        }
        catch (UserError e)
        {
            await stderr.WriteLineAsync($"scaikey-dev: {e.Message}");
            await stderr.WriteLineAsync("Run with --help for usage.");
            return UserErrorExitCode;
        }
    }

    private static async Task InitAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse("init", args, ["dir"], ["force"]);
        var result = KeyStore.Init(KeyDirectory.Resolve(options.Value("dir")), options.Flag("force"));
        await stderr.WriteLineAsync(result.Created
            ? $"Created a new RSA-{KeyStore.KeySizeBits} signing key {result.PrivateKeyPath} (kid {result.KeyId})."
            : $"Kept the existing signing key {result.PrivateKeyPath} (kid {result.KeyId}); --force replaces it.");
        await stderr.WriteLineAsync($"Wrote {result.JwksPath}. For ScaiVault (e.g. eval the lines below, then ops/run.sh):");
        await stdout.WriteLineAsync(ExportLines(Defaults.Issuer, Defaults.Audience, result.JwksPath));
    }

    public static string ExportLines(string issuer, string audience, string jwksUrl) => string.Join('\n',
        $"export SCAIVAULT_JWT_ISSUER={ShellWord(issuer)}",
        $"export SCAIVAULT_JWT_AUDIENCE={ShellWord(audience)}",
        $"export SCAIVAULT_JWKS_URL={ShellWord(jwksUrl)}");

    private static async Task TokenAsync(string[] args, TextWriter stdout)
    {
        var options = Options.Parse("token", args, ["sub", "tenant", "groups", "roles", "scopes", "ttl", "issuer", "audience", "dir"]);
        var request = new TokenRequest
        {
            Subject = options.Required("sub"),
            Tenant = options.Required("tenant"),
            Groups = options.List("groups", ','),
            Roles = options.List("roles", ','),
            Scopes = options.List("scopes", ' ', '\t'),
            Ttl = options.Value("ttl") is { } ttl ? Ttl.Parse(ttl) : Defaults.Ttl,
            Issuer = NonBlank(options, "issuer") ?? Defaults.Issuer,
            Audience = NonBlank(options, "audience") ?? Defaults.Audience,
        };
        // ScaiVault refuses any other tenant id (it is bound into encryption context); better to say so here
        // than to hand out a token that only ever earns a 401.
        if (!TenantId.IsMatch(request.Tenant))
            throw new UserError($"--tenant '{request.Tenant}' is not a tenant id ScaiVault accepts: lower-case letters, digits, '-' and '_', 1 to 64, starting with a letter or digit.");

        using var key = KeyStore.Load(KeyDirectory.Resolve(options.Value("dir")));
        await stdout.WriteLineAsync(TokenMinter.Mint(key, request, DateTimeOffset.UtcNow));
    }

    private static async Task JwksAsync(string[] args, TextWriter stdout)
    {
        var options = Options.Parse("jwks", args, ["dir"]);
        await stdout.WriteAsync(KeyStore.ReadJwks(KeyDirectory.Resolve(options.Value("dir"))));
    }

    private static async Task ServeAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        var options = Options.Parse("serve", args, ["port", "dir"]);
        var port = Defaults.ServePort;
        if (options.Value("port") is { } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
            throw new UserError($"--port '{text}' is not a port number (1-65535).");
        var dir = KeyDirectory.Resolve(options.Value("dir"));
        KeyStore.ReadJwks(dir); // fail now, not on the first request, when there is nothing to serve

        using var server = new JwksServer(dir, port, stderr);
        server.Start();
        await stderr.WriteLineAsync($"Serving {KeyStore.JwksPath(dir)} at {server.JwksUrl}; Ctrl-C stops. For ScaiVault:");
        await stdout.WriteLineAsync($"export SCAIVAULT_JWKS_URL={ShellWord(server.JwksUrl)}");
        await stdout.FlushAsync(stop);
        await server.RunAsync(stop);
    }

    private static string? NonBlank(Options options, string name) =>
        string.IsNullOrWhiteSpace(options.Value(name)) ? null : options.Value(name)!.Trim();

    /// <summary>Quotes only when needed, so the usual output stays easy to read and to copy by hand.</summary>
    public static string ShellWord(string value) =>
        PlainShellWord.IsMatch(value) ? value : "'" + value.Replace("'", "'\\''") + "'";

    [GeneratedRegex("^[A-Za-z0-9_./:@%+,=-]+$")]
    private static partial Regex PlainShellWord { get; }

    /// <summary>The tenant ids ScaiVault's JWT validation accepts (JwtSetup.TenantId there).</summary>
    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    public static partial Regex TenantId { get; }
}
