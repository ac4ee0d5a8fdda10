using System.Text;
using Alba;
using Marten;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Security;

/// <summary>
/// A body that is too big, not strict UTF-8 JSON, ambiguous (duplicate keys) or not representable (NUL, lone
/// surrogates) is a 4xx before any state is touched: never a 500, never a partial write.
/// </summary>
public sealed class HostileBodyTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private const int MaxBytes = 256 * 1024;

    public sealed record HostileBody(byte[] Bytes, int Status, string Code, bool DeclareLength = true);

    private static HostileBody Json400(string text) => new(Encoding.UTF8.GetBytes(text), 400, "invalid_json");

    private static HostileBody Bytes400(params byte[][] parts) => new([.. parts.SelectMany(p => p)], 400, "invalid_json");

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    private static string Oversized() => """{"data": {"k": """ + "\"" + new string('x', MaxBytes) + "\"}}";

    // Keyed by a printable name: the bodies hold bytes that do not belong in test names.
    public static readonly IReadOnlyDictionary<string, HostileBody> Bodies = new Dictionary<string, HostileBody>
    {
        ["over 256 KiB, with Content-Length"] = new(Encoding.UTF8.GetBytes(Oversized()), 413, "body_too_large"),
        ["over 256 KiB, without Content-Length"] = new(Encoding.UTF8.GetBytes(Oversized()), 413, "body_too_large", DeclareLength: false),
        ["4 MiB, without Content-Length"] = new(Encoding.UTF8.GetBytes("{\"data\": {\"k\": \"" + new string('y', 4 << 20) + "\"}}"), 413, "body_too_large", DeclareLength: false),
        ["256 KiB + 1 of whitespace padding"] = new(Encoding.UTF8.GetBytes("""{"data": {"k": "v"}}""".PadRight(MaxBytes + 1)), 413, "body_too_large"),

        ["data nested 33 deep"] = Json400("{\"data\": " + Nested(32) + "}"),
        ["data nested 40 deep"] = Json400("{\"data\": " + Nested(39) + "}"),
        ["arrays nested 10000 deep"] = Json400("{\"data\": {\"k\": " + new string('[', 10_000) + new string(']', 10_000) + "}}"),
        ["metadata nested 33 deep"] = Json400("{\"data\": {}, \"metadata\": " + Nested(32) + "}"),
        ["unclosed nesting 100000 deep"] = Json400(new string('[', 100_000)),

        ["invalid byte 0xFF in a value"] = Bytes400(Ascii("{\"data\": {\"k\": \"a"), [0xFF, 0xFE], Ascii("b\"}}")),
        ["Latin-1 byte in a value"] = Bytes400(Ascii("{\"data\": {\"k\": \"caf"), [0xE9], Ascii("\"}}")),
        ["overlong encoding of '/'"] = Bytes400(Ascii("{\"data\": {\"k\": \"a"), [0xC0, 0xAF], Ascii("b\"}}")),
        ["UTF-8-encoded surrogate"] = Bytes400(Ascii("{\"data\": {\"k\": \"a"), [0xED, 0xA0, 0x80], Ascii("b\"}}")),
        ["code point above U+10FFFF"] = Bytes400(Ascii("{\"data\": {\"k\": \""), [0xF4, 0x90, 0x80, 0x80], Ascii("\"}}")),
        ["truncated sequence before the quote"] = Bytes400(Ascii("{\"data\": {\"k\": \"a"), [0xE2, 0x82], Ascii("\"}}")),
        ["truncated sequence at the end of the body"] = Bytes400(Ascii("{\"data\": {\"k\": \"a\"}}"), [0xE2, 0x82]),
        ["invalid byte in a key"] = Bytes400(Ascii("{\"data\": {\"k"), [0xFF], Ascii("\": \"v\"}}")),
        ["invalid byte outside strings"] = Bytes400(Ascii("{\"data\": {\"k\": \"v\"}"), [0x80], Ascii("}")),
        ["UTF-16 encoded body"] = Bytes400(Encoding.Unicode.GetBytes("{\"data\": {\"k\": \"v\"}}")),

        ["lone high surrogate in a value"] = Json400("""{"data": {"k": "\ud800"}}"""),
        ["lone low surrogate in a value"] = Json400("""{"data": {"k": "a\udc00b"}}"""),
        ["reversed surrogate pair in a value"] = Json400("""{"data": {"k": "\udc00\ud800"}}"""),
        ["high surrogate then a letter"] = Json400("""{"data": {"k": "\ud800x"}}"""),
        ["lone surrogate in an array value"] = Json400("""{"data": {"k": ["ok", "\udfff"]}}"""),
        ["lone surrogate in a key of data"] = Json400("""{"data": {"\ud800": "v"}}"""),
        ["lone surrogate in a nested key"] = Json400("""{"data": {"k": {"x\udbff": 1}}}"""),
        ["lone surrogate as a top-level key"] = Json400("""{"data": {"k": "v"}, "\ud800": 1}"""),
        ["lone surrogate in a string secret"] = Json400("""{"data": "\ud800", "secret_type": "string"}"""),
        ["lone surrogate in metadata"] = Json400("""{"data": {}, "metadata": {"description": "\ud800"}}"""),
        ["lone surrogate in a metadata key"] = Json400("""{"data": {}, "metadata": {"team\udc00": "x"}}"""),

        ["NUL in a value"] = Json400("""{"data": {"k": "a\u0000b"}}"""),
        ["NUL in a key of data"] = Json400("""{"data": {"k\u0000": "v"}}"""),
        ["NUL as a whole key"] = Json400("""{"data": {"\u0000": "v"}}"""),
        ["NUL in a string secret"] = Json400("""{"data": "\u0000", "secret_type": "string"}"""),
        ["NUL in metadata"] = Json400("""{"data": {}, "metadata": {"owner": "x\u0000"}}"""),
        ["NUL in a top-level key"] = Json400("""{"data": {}, "data\u0000": 1}"""),
        ["raw NUL byte in a string"] = Bytes400(Ascii("{\"data\": {\"k\": \"a"), [0x00], Ascii("b\"}}")),
        ["raw control character in a string"] = Bytes400(Ascii("{\"data\": {\"k\": \"a"), [0x01], Ascii("b\"}}")),

        ["top-level key twice"] = Json400("""{"data": {"k": "one"}, "data": {"k": "two"}}"""),
        ["key twice in data"] = Json400("""{"data": {"k": "one", "k": "two"}}"""),
        ["key twice, once escaped"] = Json400("""{"data": {"k": "one", "\u006b": "two"}}"""),
        ["key twice deep in data"] = Json400("""{"data": {"a": {"b": [{"c": 1, "c": 2}]}}}"""),
        ["key twice in metadata"] = Json400("""{"data": {}, "metadata": {"owner": "a", "owner": "b"}}"""),
        ["key twice in options"] = Json400("""{"data": {}, "options": {"cas": 0, "cas": 7}}"""),

        ["array body"] = Json400("""[{"data": {"k": "v"}}]"""),
        ["string body"] = Json400("\"data\""),
        ["number body"] = Json400("42"),
        ["null body"] = Json400("null"),
        ["boolean body"] = Json400("true"),
        ["empty body"] = Json400(""),
        ["whitespace-only body"] = Json400("  \r\n\t "),
        ["trailing garbage"] = Json400("""{"data": {"k": "v"}} x"""),
        ["second object after the first"] = Json400("""{"data": {"k": "v"}}{"data": {"k": "w"}}"""),
        ["trailing NUL byte"] = Bytes400(Ascii("{\"data\": {\"k\": \"v\"}}"), [0x00]),
        ["trailing comma"] = Json400("""{"data": {"k": "v"},}"""),
        ["comment"] = Json400("""{"data": {"k": "v"} /* note */}"""),
        ["single quotes"] = Json400("""{'data': {'k': 'v'}}"""),
        ["unquoted key"] = Json400("""{data: {"k": "v"}}"""),
        ["NaN literal"] = Json400("""{"data": {"k": NaN}}"""),
        ["truncated object"] = Json400("""{"data": {"k": "v"}"""),
        ["invalid escape"] = Json400("""{"data": {"k": "\x41"}}"""),
        ["short unicode escape"] = Json400("""{"data": {"k": "\u12"}}"""),
    };

    public static TheoryData<string> BodyNames => [.. Bodies.Keys];

    // Bodies that are meaningful for the version operations too (there an empty body means "the current version").
    public static TheoryData<string> NonEmptyBodyNames => [.. Bodies.Keys.Where(k => Bodies[k].Bytes.Length > 0)];

    [Theory]
    [MemberData(nameof(BodyNames))]
    public async Task Put_HostileBody_IsRefusedWithoutAnyWrite(string name)
    {
        var hostile = Bodies[name];
        await Host.PutSecret("hostile/existing", new { k = "before" }, metadata: new { description = "before" });

        foreach (var path in new[] { "hostile/new", "hostile/existing" })
        {
            var result = await Host.Send("PUT", "/v1/secrets/" + path, hostile.Bytes, hostile.DeclareLength);
            Assert.True(result.Status() == hostile.Status, $"PUT {path} answered {result.Status()} {await result.CodeOrBody()}");
            Assert.Equal(hostile.Code, await result.ErrorCode());
        }

        var missing = await Host.Send("GET", "/v1/secrets/hostile/new");
        Assert.Equal(404, missing.Status());
        Assert.Equal("secret_not_found", await missing.ErrorCode());
        await AssertExistingUnchanged();
    }

    [Theory]
    [MemberData(nameof(NonEmptyBodyNames))]
    public async Task ChangeEndpoints_HostileBody_AreRefusedAndChangeNothing(string name)
    {
        var hostile = Bodies[name];
        await Host.PutSecret("hostile/existing", new { k = "before" }, metadata: new { description = "before" });

        var failures = new List<string>();
        foreach (var (method, url) in new[]
                 {
                     ("PATCH", "/v1/metadata/hostile/existing"),
                     ("POST", "/v1/delete/hostile/existing"),
                     ("POST", "/v1/undelete/hostile/existing"),
                     ("POST", "/v1/destroy/hostile/existing"),
                 })
        {
            var result = await Host.Send(method, url, hostile.Bytes, hostile.DeclareLength);
            var code = await result.CodeOrBody();
            if (result.Status() != hostile.Status || code != hostile.Code) failures.Add($"{method} {url}: {result.Status()} {code}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        await AssertExistingUnchanged();
    }

    [Fact]
    public async Task Patch_EmptyBody_IsRefusedAndChangesNothing()
    {
        await Host.PutSecret("hostile/existing", new { k = "before" }, metadata: new { description = "before" });

        var result = await Host.Send("PATCH", "/v1/metadata/hostile/existing", []);

        Assert.Equal(400, result.Status());
        Assert.Equal("invalid_json", await result.ErrorCode());
        await AssertExistingUnchanged();
    }

    [Fact]
    public async Task Put_BodyExactlyAtTheLimits_IsAccepted()
    {
        // exactly 256 KiB (padded with whitespace JSON allows) and exactly 32 levels of nesting
        var padded = Encoding.UTF8.GetBytes("""{"data": {"k": "padded"}}""".PadRight(MaxBytes));
        Assert.Equal(MaxBytes, padded.Length);
        var atSize = await Host.Send("PUT", "/v1/secrets/limits/size", padded);
        Assert.True(atSize.Status() == 200, $"{atSize.Status()} {await atSize.CodeOrBody()}");

        var atDepth = await Host.Send("PUT", "/v1/secrets/limits/depth", "{\"data\": " + Nested(31) + "}");
        Assert.True(atDepth.Status() == 200, $"{atDepth.Status()} {await atDepth.CodeOrBody()}");

        // and a valid surrogate pair (an emoji, escaped and raw) is accepted and read back intact
        var pair = await Host.Send("PUT", "/v1/secrets/limits/pair", """{"data": {"escaped": "\ud83d\udd11", "raw": "🔑"}}""");
        Assert.Equal(200, pair.Status());
        var read = await (await Host.Scenario(s => s.AsRoot().Get.Url("/v1/secrets/limits/pair"))).Json();
        Assert.Equal("🔑", read["data"]!["escaped"]!.GetValue<string>());
        Assert.Equal("🔑", read["data"]!["raw"]!.GetValue<string>());
    }

    /// <summary>hostile/existing is still version 1 with its value and metadata, and no other secret or event exists.</summary>
    private async Task AssertExistingUnchanged()
    {
        var read = await (await Host.Scenario(s => s.AsRoot().Get.Url("/v1/secrets/hostile/existing"))).Json();
        Assert.Equal(1, read["version"]!.GetValue<int>());
        Assert.Equal("before", read["data"]!["k"]!.GetValue<string>());
        Assert.Equal("before", read["metadata"]!["description"]!.GetValue<string>());

        var metadata = await (await Host.Scenario(s => s.AsRoot().Get.Url("/v1/metadata/hostile/existing"))).Json();
        Assert.Equal("active", Assert.Single(metadata["versions"]!.AsArray())!["state"]!.GetValue<string>());

        var list = await (await Host.Scenario(s => s.AsRoot().Get.Url("/v1/secrets"))).Json();
        Assert.Equal("hostile/existing", Assert.Single(list["secrets"]!.AsArray())!["path"]!.GetValue<string>());

        // the seeding write is one version event plus one metadata event; nothing else was appended
        await using var session = Store.QuerySession(Database.Tenant);
        Assert.Equal(2, await session.Events.QueryAllRawEvents().Where(e => e.EventTypeName != "audit_entry_recorded").CountAsync(TestContext.Current.CancellationToken));
    }
}
