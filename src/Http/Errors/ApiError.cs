using System.Text.Json;
using ScaiVault.Http.Json;

namespace ScaiVault.Http.Errors;

/// <summary>
/// The one error envelope: <c>{"error":{"code","message","request_id"}}</c>. Codes are stable and
/// machine-readable; messages tell a person what to change. Neither ever echoes a secret value.
/// </summary>
public sealed record ApiError(int Status, string Code, string Message)
{
    public IResult ToResult() => new ErrorResult(this);

    public Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = Status;
        context.Response.ContentType = "application/json; charset=utf-8";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonResponse.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("code", Code);
            json.WriteString("message", Message);
            json.WriteString("request_id", context.TraceIdentifier);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        context.Response.ContentLength = buffer.Length;
        return context.Response.Body.WriteAsync(buffer.ToArray()).AsTask();
    }

    public static ApiError BadRequest(string code, string message) => new(400, code, message);
    public static ApiError NotFound(string code, string message) => new(404, code, message);
    public static ApiError Conflict(string code, string message) => new(409, code, message);

    private sealed class ErrorResult(ApiError error) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => error.WriteAsync(httpContext);
    }
}

public static class ErrorCodes
{
    public const string InvalidPath = "invalid_path";
    public const string InvalidJson = "invalid_json";
    public const string InvalidRequest = "invalid_request";
    public const string InvalidValue = "invalid_value";
    public const string BodyTooLarge = "body_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string Unauthenticated = "unauthenticated";
    public const string AccessDenied = "access_denied";
    public const string RouteNotFound = "route_not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string Internal = "internal_error";
    public const string DecryptionFailed = "decryption_failed";
    public const string Unavailable = "service_unavailable";
    public const string AuditUnavailable = "audit_unavailable";
    public const string InvalidTime = "invalid_time";
}
