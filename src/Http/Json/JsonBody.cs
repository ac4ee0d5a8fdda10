using System.Text.Json;
using System.Text.Unicode;
using ScaiVault.Http.Errors;

namespace ScaiVault.Http.Json;

/// <summary>
/// Reads a request body as JSON that means one thing only: strict UTF-8, bounded size and depth, no
/// NUL characters, no lone surrogates and no duplicate keys. Everything else is a 4xx before any
/// state is touched.
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 256 * 1024;
    public const int MaxDepth = 32;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Reads the body; an empty body yields an empty object when <paramref name="allowEmpty"/>.</summary>
    public static async Task<(JsonElement Root, ApiError? Error)> ReadObjectAsync(HttpContext context, bool allowEmpty = false)
    {
        var (bytes, error) = await ReadBytesAsync(context);
        return error is not null ? (default, error) : ParseObject(bytes, allowEmpty);
    }

    /// <summary>The raw body, at most <see cref="MaxBytes"/> (for callers that must see the exact bytes, e.g. to check a signature).</summary>
    public static async Task<(ReadOnlyMemory<byte> Bytes, ApiError? Error)> ReadBytesAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBytes) return (default, TooLarge());

        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBytes) return (default, TooLarge());
            buffer.Write(chunk, 0, read);
        }
        return (buffer.GetBuffer().AsMemory(0, (int)buffer.Length), null);
    }

    /// <summary>Parses bytes already read with the same rules as <see cref="ReadObjectAsync"/>.</summary>
    public static (JsonElement Root, ApiError? Error) ParseObject(ReadOnlyMemory<byte> bytes, bool allowEmpty = false)
    {
        if (bytes.Length == 0)
            return allowEmpty ? (JsonDocument.Parse("{}").RootElement.Clone(), null)
                : (default, ApiError.BadRequest(ErrorCodes.InvalidJson, "The request body is empty; send a JSON object."));
        if (!Utf8.IsValid(bytes.Span))
            return (default, ApiError.BadRequest(ErrorCodes.InvalidJson, "The request body is not valid UTF-8."));

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(bytes, Options);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            var message = e.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                ? $"The JSON nests deeper than {MaxDepth} levels."
                : $"The request body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).";
            return (default, ApiError.BadRequest(ErrorCodes.InvalidJson, message));
        }

        if (root.ValueKind != JsonValueKind.Object)
            return (default, ApiError.BadRequest(ErrorCodes.InvalidJson, "The request body must be a JSON object."));
        var problem = FindProblem(root, "$");
        return problem is null ? (root, null) : (default, ApiError.BadRequest(ErrorCodes.InvalidJson, problem));
    }

    private static ApiError TooLarge() =>
        new(413, ErrorCodes.BodyTooLarge, $"The request body is larger than {MaxBytes / 1024} KiB.");

    private static string? FindProblem(JsonElement element, string where)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    // Reading a key unescapes it, and a lone surrogate escape ("\ud800") in a key throws just as it
                    // does in a value: without this catch that exception escaped as a 500.
                    string name;
                    try { name = property.Name; }
                    catch (InvalidOperationException) { return $"A key in {where} is not valid Unicode (a lone surrogate escape)."; }
                    if (StringProblem(name) is { } nameProblem) return $"A key in {where} {nameProblem}";
                    if (!seen.Add(name)) return $"A key appears twice in {where}.";
                    // Below the top level only the field is named: keys inside a secret value are part of it.
                    if (FindProblem(property.Value, where == "$" ? $"$.{name}" : where) is { } inner) return inner;
                }
                return null;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    if (FindProblem(item, where) is { } inner) return inner;
                return null;
            case JsonValueKind.String:
                string? value;
                try { value = element.GetString(); }
                catch (InvalidOperationException) { return $"A string at {where} is not valid Unicode (a lone surrogate escape)."; }
                return StringProblem(value ?? "") is { } problem ? $"The string at {where} {problem}" : null;
            default:
                return null;
        }
    }

    private static string? StringProblem(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0') return "contains a NUL character (\\u0000).";
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) return "contains a lone surrogate (not valid Unicode).";
        }
        return null;
    }
}
