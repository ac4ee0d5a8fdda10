using Alba;
using Marten;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Security;

/// <summary>
/// Every endpoint that takes a path refuses a path that could be read two ways with 400 invalid_path, before
/// touching any state. The in-memory test server hands the path string over literally (no dot-segment removal,
/// no decoding), which is exactly the "raw target as sent" the service must judge.
/// </summary>
public sealed class HostilePathTests(AppFixture fixture) : IntegrationContext(fixture)
{
    /// <summary>Paths a normalising server could turn into these: if any hostile request touched them, it shows.</summary>
    private static readonly string[] Bystanders = ["a", "b", "a/b"];

    // Keyed by a printable name: the paths themselves hold control characters that do not belong in test names.
    public static readonly IReadOnlyDictionary<string, string> HostilePaths = new Dictionary<string, string>
    {
        ["dot-dot segment"] = "a/../b",
        ["leading dot-dot"] = "../b",
        ["trailing dot-dot"] = "a/..",
        ["only dot-dot"] = "..",
        ["dot segment"] = "a/./b",
        ["only dot"] = ".",
        ["trailing dot"] = "a/.",
        ["doubled slash"] = "a//b",
        ["leading slash"] = "/a",
        ["trailing slash"] = "a/",
        ["encoded slash %2F"] = "a%2Fb",
        ["encoded slash %2f"] = "a%2fb",
        ["encoded backslash %5C"] = "a%5Cb",
        ["encoded backslash %5c"] = "a%5cb",
        ["encoded NUL %00"] = "a%00b",
        ["encoded percent %25"] = "a%25b",
        ["double-encoded slash %252F"] = "a%252Fb",
        ["encoded dot-dot %2E%2E"] = "a/%2E%2E/b",
        ["encoded dot %2e"] = "a/%2e/b",
        ["malformed escape"] = "a%zzb",
        ["truncated escape"] = "a%2",
        ["encoded invalid UTF-8"] = "a%C3%28",
        ["encoded non-ASCII"] = "caf%C3%A9",
        ["encoded space"] = "a%20b",
        ["backslash"] = "a\\b",
        ["backslash dot-dot"] = "a\\..\\b",
        ["tab"] = "a\tb",
        ["newline"] = "a\nb",
        ["carriage return"] = "a\rb",
        ["NUL"] = "a\0b",
        ["escape character"] = "a\u001bb",
        ["DEL"] = "a\u007fb",
        ["C1 control"] = "a\u0085b",
        ["space"] = "a b",
        ["leading space"] = " a",
        ["non-ASCII letter"] = "café",
        ["Cyrillic look-alike"] = "p\u0430th",
        ["fullwidth solidus"] = "a\uFF0Fb",
        ["right-to-left override"] = "a\u202Eb",
        ["zero-width space"] = "a\u200Bb",
        ["emoji"] = "key\U0001F511",
        ["hash"] = "a#b",
        ["asterisk"] = "a*b",
        ["colon"] = "a:b",
        ["over-long path (515 chars)"] = string.Join('/', Enumerable.Repeat(new string('x', 85), 6)),
        ["too deep (33 segments)"] = string.Join('/', Enumerable.Repeat("d", 33)),
        ["segment too long (129 chars)"] = "a/" + new string('s', 129),
    };

    public static TheoryData<string> HostilePathNames => [.. HostilePaths.Keys];

    /// <summary>Every endpoint that takes a path, with a body it would otherwise accept.</summary>
    private static readonly (string Method, string Prefix, string Query, string? Body)[] PathEndpoints =
    [
        ("GET", "/v1/secrets/", "", null),
        ("GET", "/v1/secrets/", "?version=1", null),
        ("PUT", "/v1/secrets/", "", """{"data": {"k": "hostile-path-value"}, "options": {"max_versions": 1}}"""),
        ("DELETE", "/v1/secrets/", "", null),
        ("GET", "/v1/metadata/", "", null),
        ("PATCH", "/v1/metadata/", "", """{"metadata": {"description": "hostile"}, "options": {"max_versions": 1}}"""),
        ("POST", "/v1/delete/", "", """{"versions": [1]}"""),
        ("POST", "/v1/undelete/", "", """{"versions": [1]}"""),
        ("POST", "/v1/destroy/", "", """{"versions": [1]}"""),
        ("POST", "/v1/destroy/", "", null),
    ];

    [Theory]
    [MemberData(nameof(HostilePathNames))]
    public async Task AnyPathEndpoint_HostilePath_Is400InvalidPathAndChangesNothing(string name)
    {
        var hostile = HostilePaths[name];
        foreach (var bystander in Bystanders) await Host.PutSecret(bystander, new { k = "bystander-" + bystander });

        var failures = new List<string>();
        foreach (var (method, prefix, query, body) in PathEndpoints)
        {
            var target = prefix + hostile + query;
            // as the in-memory server passes it (the path only); as Kestrel reports it (the raw target), once with the
            // same path for routing and once with the path already normalised into a valid bystander's
            foreach (var (mode, routed, raw) in new[] { ("path", target, null), ("raw target", target, target), ("raw target over a normalised path", prefix + "b" + query, target) })
            {
                var result = await Host.SendLiteral(method, routed, raw, body);
                var code = await result.CodeOrBody();
                if (result.Status() != 400 || code != "invalid_path")
                    failures.Add($"{method} {prefix}…{query} ({mode}): {result.Status()} {code}");
            }
        }
        Assert.True(failures.Count == 0, $"path {name} was not refused everywhere:\n" + string.Join("\n", failures));

        await AssertOnlyBystandersUntouched();
    }

    public static TheoryData<string> HostilePrefixes =>
    [
        "..", "a/../b", "./a", "a//b", "a//b/", "a\\b", "a b", "café", "a\tb", "a*b",
        string.Join('/', Enumerable.Repeat("d", 33)), new string('s', 129),
    ];

    [Theory]
    [MemberData(nameof(HostilePrefixes))]
    public async Task List_HostilePrefix_Is400InvalidPath(string prefix)
    {
        await Host.PutSecret("a/b", new { k = "v" });

        var result = await Host.Scenario(s =>
        {
            s.AsRoot().Get.Url("/v1/secrets").QueryString("prefix", prefix);
            s.IgnoreStatusCode();
        });

        Assert.Equal(400, result.Status());
        Assert.Equal("invalid_path", await result.ErrorCode());
    }

    [Fact]
    public async Task Get_RawTargetNormalisedByTheServer_IsJudgedOnTheRawTarget()
    {
        // Kestrel removes dot segments from the path it routes on; the service must look at what was sent.
        await Host.PutSecret("b", new { k = "bystander-b" });

        var sneaky = await Host.SendLiteral("GET", "/v1/secrets/b", "/v1/secrets/a/../b", null);
        Assert.Equal(400, sneaky.Status());
        Assert.Equal("invalid_path", await sneaky.ErrorCode());
        Assert.DoesNotContain("bystander-b", await sneaky.ReadAsTextAsync());

        // the same request with an honest raw target reads the secret: the refusal above is about the raw target only
        var honest = await Host.SendLiteral("GET", "/v1/secrets/b", "/v1/secrets/b", null);
        Assert.Equal(200, honest.Status());
    }

    [Fact]
    public async Task Put_PathAtEveryLimit_IsAcceptedAndReadBackVerbatim()
    {
        // 512 characters with a 128-character segment; 32 segments; every allowed punctuation; dots inside segments.
        string[] paths =
        [
            string.Join('/', new string('L', 128), new string('m', 127), new string('n', 127), new string('o', 127)),
            string.Join('/', Enumerable.Range(0, 32).Select(i => "s" + i)),
            "a_b-c.d+e=f@g/.hidden/x../...",
        ];
        Assert.Equal(512, paths[0].Length);

        foreach (var path in paths)
        {
            var version = await Host.PutSecret(path, new { k = "edge" });
            Assert.Equal(1, version);
            var read = await Host.Scenario(s => s.AsRoot().Get.Url("/v1/secrets/" + path));
            var body = await read.Json();
            Assert.Equal(path, body["path"]!.GetValue<string>());
            Assert.Equal("edge", body["data"]!["k"]!.GetValue<string>());
        }
    }

    /// <summary>The bystanders are exactly as written (one active version each, unchanged value and metadata) and nothing else exists.</summary>
    private async Task AssertOnlyBystandersUntouched()
    {
        var list = await (await Host.Scenario(s => s.AsRoot().Get.Url("/v1/secrets?limit=1000"))).Json();
        var listed = list["secrets"]!.AsArray().Select(s => s!["path"]!.GetValue<string>()).ToArray();
        Assert.Equal(Bystanders.Order(StringComparer.Ordinal), listed);

        foreach (var bystander in Bystanders)
        {
            var read = await (await Host.Scenario(s => s.AsRoot().Get.Url("/v1/secrets/" + bystander))).Json();
            Assert.Equal(1, read["version"]!.GetValue<int>());
            Assert.Equal("bystander-" + bystander, read["data"]!["k"]!.GetValue<string>());
            var metadata = await (await Host.Scenario(s => s.AsRoot().Get.Url("/v1/metadata/" + bystander))).Json();
            Assert.Equal(0, metadata["max_versions"]!.GetValue<int>());
            Assert.Null(metadata["metadata"]!["description"]);
            Assert.Equal("active", Assert.Single(metadata["versions"]!.AsArray())!["state"]!.GetValue<string>());
        }

        // Not a single event beyond the bystanders' own writes, in any stream of the tenant (audit entries of
        // the refused requests aside: those are supposed to be there).
        await using var session = Store.QuerySession(Database.Tenant);
        var events = await session.Events.QueryAllRawEvents().Where(e => e.EventTypeName != "audit_entry_recorded")
            .CountAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Bystanders.Length, events);
    }
}
