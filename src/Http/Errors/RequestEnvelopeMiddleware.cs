using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using Npgsql;
using ScaiVault.Domain.Crypto;

namespace ScaiVault.Http.Errors;

/// <summary>
/// Outermost step of every request: gives it an id (the caller's <c>X-Request-ID</c> when it is sane),
/// echoes it on the response, turns anything that escaped an endpoint into the error envelope with
/// no stack trace, and gives bodiless framework answers (unknown route, wrong method) the envelope too.
/// </summary>
public sealed class RequestEnvelopeMiddleware(RequestDelegate next, ILogger<RequestEnvelopeMiddleware> logger)
{
    public const string Header = "X-Request-ID";

    public async Task InvokeAsync(HttpContext context)
    {
        context.TraceIdentifier = IncomingId(context) ?? NewId();
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Header] = context.TraceIdentifier;
            return Task.CompletedTask;
        });

        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var error = Classify(e);
            if (error.Status >= 500)
                logger.LogError(e, "Request {RequestId} {Method} {Route} failed", context.TraceIdentifier, context.Request.Method, RouteOf(context));
            context.Response.Clear();
            await error.WriteAsync(context);
            return;
        }

        if (context.Response is { HasStarted: false, StatusCode: 404 or 405 or 415 } && context.Response.ContentLength is null or 0)
        {
            await (context.Response.StatusCode switch
            {
                404 => new ApiError(404, ErrorCodes.RouteNotFound, $"No endpoint answers {context.Request.Method} {context.Request.Path}."),
                405 => new ApiError(405, ErrorCodes.MethodNotAllowed, $"{context.Request.Method} is not allowed on {context.Request.Path}."),
                _ => new ApiError(415, ErrorCodes.UnsupportedMediaType, "Send the body as application/json."),
            }).WriteAsync(context);
        }
    }

    private static ApiError Classify(Exception e) => e switch
    {
        BadHttpRequestException { StatusCode: 413 } => new(413, ErrorCodes.BodyTooLarge, "The request body is too large."),
        BadHttpRequestException bad => new(bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : 400, ErrorCodes.InvalidRequest, "The request could not be read."),
        SecretIntegrityException => new(500, ErrorCodes.DecryptionFailed,
            "The stored ciphertext of this version failed authentication (tampered with or moved); nothing was returned."),
        NpgsqlException or TimeoutException => new(503, ErrorCodes.Unavailable, "The database is unavailable; retry later."),
        _ => new(500, ErrorCodes.Internal, "An unexpected error occurred; the request id identifies it in the server log."),
    };

    // The raw route only: the query string may carry cursors and is not needed to find a failure.
    private static string RouteOf(HttpContext context) => context.Request.Path.Value ?? "";

    private static string? IncomingId(HttpContext context)
    {
        var value = context.Request.Headers[Header].ToString();
        return value.Length is > 0 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? value : null;
    }

    private static string NewId() => "req_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}

public static class RequestFeatures
{
    /// <summary>
    /// The request target exactly as sent, before Kestrel decoded it or removed dot segments. Hosts
    /// without a raw target (the in-memory test server) give the path as they received it.
    /// </summary>
    public static string RawTarget(this HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw)) return context.Request.PathBase.Value + context.Request.Path.Value;
        // absolute-form targets (proxies) carry scheme and authority before the path
        if (raw[0] != '/' && Uri.TryCreate(raw, UriKind.Absolute, out var absolute)) return absolute.PathAndQuery;
        return raw;
    }
}
