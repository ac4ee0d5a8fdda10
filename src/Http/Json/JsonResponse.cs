using System.Buffers;
using System.Text.Json;

namespace ScaiVault.Http.Json;

/// <summary>
/// A JSON response written field by field. Secret values are written straight from the decrypted
/// buffer, so a json secret keeps its exact text and no intermediate object model holds it.
/// </summary>
public sealed class JsonResponse(int status, Action<Utf8JsonWriter> write) : IResult
{
    // Relaxed escaping is safe here: every response is application/json, never embedded in HTML.
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        await using (var json = new Utf8JsonWriter(buffer, JsonResponse.WriterOptions))
        {
            write(json);
        }
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        httpContext.Response.Headers.CacheControl = "no-store";
        httpContext.Response.ContentLength = buffer.WrittenCount;
        await httpContext.Response.Body.WriteAsync(buffer.WrittenMemory);
    }

    public static JsonResponse Ok(Action<Utf8JsonWriter> write) => new(200, write);
}
