using System.Text;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Npgsql;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Security;

/// <summary>Requests with exact bytes and exact paths, for hostile-input tests: no serializer and no URL builder in between.</summary>
internal static class HostileRequests
{
    /// <summary>
    /// Sends <paramref name="method"/> to <paramref name="url"/> as root, with <paramref name="body"/> as the exact request
    /// bytes (no body when null). <paramref name="declareLength"/> false sends no Content-Length, as a chunked upload would.
    /// Never asserts a status: the caller checks it.
    /// </summary>
    public static Task<IScenarioResult> Send(this IAlbaHost host, string method, string url, byte[]? body = null, bool declareLength = true) =>
        host.Scenario(s =>
        {
            s.AsRoot();
            var send = s.Method(method);
            send.Url(url);
            if (body is not null)
            {
                s.ConfigureHttpContext(c =>
                {
                    c.Request.Body = new MemoryStream(body, writable: false);
                    c.Request.ContentLength = declareLength ? body.Length : null;
                    c.Request.ContentType = "application/json";
                });
            }
            s.IgnoreStatusCode();
        });

    public static Task<IScenarioResult> Send(this IAlbaHost host, string method, string url, string body) =>
        host.Send(method, url, Encoding.UTF8.GetBytes(body));

    /// <summary>
    /// Sends to a request target exactly as given: nothing decoded, nothing normalised (Alba's <c>Url()</c> decodes
    /// escapes). <paramref name="rawTarget"/> null leaves the raw target unset, so the service falls back to the path,
    /// as under the in-memory test server; otherwise it is what the service sees as the raw request target, as Kestrel
    /// would report it, while routing uses <paramref name="target"/>.
    /// </summary>
    public static Task<IScenarioResult> SendLiteral(this IAlbaHost host, string method, string target, string? rawTarget, string? body) =>
        host.Scenario(s =>
        {
            s.AsRoot();
            var send = s.Method(method);
            send.Url("/");
            s.ConfigureHttpContext(c =>
            {
                var query = target.IndexOf('?');
                c.Request.Path = new PathString(query < 0 ? target : target[..query]);
                c.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(target[query..]);
                if (rawTarget is not null) c.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
                if (body is not null)
                {
                    var bytes = Encoding.UTF8.GetBytes(body);
                    c.Request.Body = new MemoryStream(bytes, writable: false);
                    c.Request.ContentLength = bytes.Length;
                    c.Request.ContentType = "application/json";
                }
            });
            s.IgnoreStatusCode();
        });

    public static int Status(this IScenarioResult result) => result.Context.Response.StatusCode;

    /// <summary>The error code of an error envelope, or a description of what came back instead (for assertion messages).</summary>
    public static async Task<string> CodeOrBody(this IScenarioResult result)
    {
        var text = await result.ReadAsTextAsync();
        try
        {
            return JsonNode.Parse(text)?["error"]?["code"]?.GetValue<string>() ?? $"(no error code) {text}";
        }
        catch (System.Text.Json.JsonException)
        {
            return $"(not JSON) {text}";
        }
    }
}

/// <summary>Direct access to the run's PostgreSQL database (SCAIVAULT_DB), to look at what is really stored.</summary>
internal static class Database
{
    public const string Tenant = "default";

    public static async Task<NpgsqlConnection> OpenAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable("SCAIVAULT_DB")
            ?? throw new InvalidOperationException("SCAIVAULT_DB is not set: run the tests with ops/test.sh.");
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    public static string Table(string schema, string table) => Quote(schema) + "." + Quote(table);

    /// <summary>The <c>data</c> column of one Marten document row, as JSON.</summary>
    public static async Task<JsonObject> ReadDocumentAsync(NpgsqlConnection connection, string schema, string table, string id)
    {
        await using var command = new NpgsqlCommand($"SELECT data::text FROM {Table(schema, table)} WHERE id = @id AND tenant_id = @tenant", connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("tenant", Tenant);
        var text = (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken) ?? throw new InvalidOperationException($"No row {id} in {table}.");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task WriteDocumentAsync(NpgsqlConnection connection, string schema, string table, string id, JsonObject data)
    {
        await using var command = new NpgsqlCommand($"UPDATE {Table(schema, table)} SET data = @data::jsonb WHERE id = @id AND tenant_id = @tenant", connection);
        command.Parameters.AddWithValue("data", data.ToJsonString());
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("tenant", Tenant);
        var rows = await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        if (rows != 1) throw new InvalidOperationException($"Updated {rows} rows of {table} for {id}, expected 1.");
    }

    /// <summary>The name a JSON object really uses for a property (serializer casing is not assumed).</summary>
    public static string PropertyName(JsonObject json, string name) =>
        json.Select(p => p.Key).SingleOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidOperationException($"No property like '{name}' in {json.ToJsonString()}");
}

/// <summary>The forms a plaintext could take if it leaked into storage: raw text, hex (bytea) and base64 at any alignment.</summary>
internal static class LeakForms
{
    public static IEnumerable<string> Of(byte[] plaintext)
    {
        if (plaintext.All(b => b is >= 0x20 and < 0x7f)) yield return Encoding.ASCII.GetString(plaintext);
        yield return Convert.ToHexStringLower(plaintext);
        // The plaintext can start at any offset of a larger base64-encoded buffer: for each of the three
        // alignments, the whole 3-byte groups inside it encode to a fixed substring.
        for (var skip = 0; skip < 3; skip++)
        {
            var whole = (plaintext.Length - skip) / 3 * 3;
            if (whole < 12) continue;
            var fragment = Convert.ToBase64String(plaintext, skip, whole);
            yield return fragment;
            yield return fragment.Replace('+', '-').Replace('/', '_');
        }
    }
}
