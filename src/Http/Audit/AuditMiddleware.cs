using System.Diagnostics;
using System.IO.Pipelines;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using ScaiVault.Domain.Audit;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;

namespace ScaiVault.Http.Audit;

/// <summary>
/// Outermost step of every request (except the health probes): nothing leaves without its audit entry.
/// The response is held in memory while the endpoint runs; once it is complete the entry is appended
/// (group commit, <see cref="AuditWriter"/>) and only when that append is durable is the held response
/// sent. If the entry cannot be stored the held response is dropped and the caller gets 503
/// <c>audit_unavailable</c>: a secret is never served unaudited. Responses are small (request bodies are
/// capped at 1 MiB, secret values at 64 KiB), so holding them costs little.
/// </summary>
public sealed class AuditMiddleware(RequestDelegate next, AuditWriter writer, AuditHmacKey hmac, TimeProvider clock, ILogger<AuditMiddleware> logger)
{
    private const int MaxUserAgent = 256;
    private const int MaxTarget = 1024;
    public static readonly string[] Unaudited = ["/healthz", "/readyz"];

    public async Task InvokeAsync(HttpContext context)
    {
        var target = context.Request.PathBase.Value + context.Request.Path.Value;
        if (Unaudited.Contains(target, StringComparer.Ordinal))
        {
            await next(context);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var at = clock.GetUtcNow();
        var originalBody = context.Features.Get<IHttpResponseBodyFeature>()!;
        using var held = new MemoryStream();
        var holding = new HoldingBody(held);
        context.Features.Set<IHttpResponseBodyFeature>(holding);

        var failed = false;
        try
        {
            await next(context);
            await holding.CompleteAsync();
        }
        catch
        {
            failed = true; // RequestEnvelopeMiddleware answers errors itself; this is a client gone away or worse
            throw;
        }
        finally
        {
            context.Features.Set(originalBody);
            var entry = Entry(context, target, at, Stopwatch.GetElapsedTime(started), held, failed);
            try
            {
                await writer.AppendAsync(entry, CancellationToken.None);
            }
            catch (AuditUnavailableException e)
            {
                logger.LogError("Request {RequestId} answered 503: its audit entry could not be stored ({Reason})", context.TraceIdentifier, e.InnerException?.GetType().Name ?? e.Message);
                held.SetLength(0);
                if (!failed) await Unavailable(context);
                failed = true;
            }
            if (!failed && !context.RequestAborted.IsCancellationRequested)
            {
                if (held.Length > 0)
                {
                    context.Response.ContentLength = held.Length;
                    await context.Response.Body.WriteAsync(held.GetBuffer().AsMemory(0, (int)held.Length));
                }
            }
        }
    }

    private static async Task Unavailable(HttpContext context)
    {
        context.Response.StatusCode = 503;
        context.Response.Headers.Clear();
        context.Response.Headers.RetryAfter = "5";
        await new ApiError(503, ErrorCodes.AuditUnavailable,
            "The audit log cannot be written, so the request was not served; retry later.").WriteAsync(context);
    }

    private AuditEntryRecorded Entry(HttpContext context, string target, DateTimeOffset at, TimeSpan duration, MemoryStream held, bool failed)
    {
        var user = context.User;
        var authenticated = user.Identity?.IsAuthenticated == true;
        var facts = context.Audit();
        var status = failed ? 500 : context.Response.StatusCode;
        var tenant = authenticated ? user.FindFirstValue(CallerClaims.Tenant) ?? CallerClaims.DefaultTenant : CallerClaims.DefaultTenant;
        var home = user.FindFirstValue(TenantPrefixMiddleware.HomeTenant);
        var userAgent = context.Request.Headers.UserAgent.ToString();
        return new AuditEntryRecorded(
            ChainId: "", Sequence: 0, PrevHash: "", Hash: "",
            RequestId: Printable(context.TraceIdentifier),
            At: at,
            TenantId: Printable(tenant),
            IdentityId: Printable(authenticated ? user.FindFirstValue(CallerClaims.Subject) ?? AuditIdentities.Anonymous : AuditIdentities.Anonymous),
            ActorId: Printable(authenticated ? ActorOf(user) : null),
            HomeTenantId: Printable(home is not null && home != tenant ? home : null),
            TokenHmac: BearerToken(context) is { Length: > 0 } token ? hmac.Hash(token) : null,
            Action: Printable(AuditActions.For(context)),
            Method: context.Request.Method,
            Target: Printable(target.Length > MaxTarget ? target[..MaxTarget] : target),
            Path: Printable(facts.Path is { Length: > 0 } path ? path : RoutePath(context)),
            Version: facts.Version,
            Source: Printable(facts.Source),
            Outcome: AuditOutcome.From(status),
            Status: status,
            ErrorCode: Printable(facts.ErrorCode ?? (status >= 400 ? ErrorCodeOf(held) : null)),
            DurationMs: Math.Round(duration.TotalMilliseconds, 3),
            ClientAddress: context.Connection.RemoteIpAddress?.ToString(),
            UserAgent: Printable(userAgent.Length == 0 ? null : userAgent.Length > MaxUserAgent ? userAgent[..MaxUserAgent] : userAgent));
    }

    /// <summary>
    /// What a hostile request puts in its path or headers goes into the entry as visible text: control
    /// characters become <c>\xNN</c> and lone surrogates U+FFFD. PostgreSQL refuses a NUL in jsonb, and one
    /// refused entry would fail its whole batch, i.e. other callers' requests.
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    public static string? Printable(string? value)
    {
        if (value is null) return null;
        var clean = true;
        for (var i = 0; i < value.Length && clean; i++)
            clean = !char.IsControl(value[i]) && !char.IsSurrogate(value[i]);
        if (clean) return value;
        var text = new System.Text.StringBuilder(value.Length + 16);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                text.Append(c).Append(value[++i]);
            }
            else if (char.IsSurrogate(c)) text.Append('\uFFFD');
            else if (char.IsControl(c)) text.Append("\\x").Append(((int)c).ToString("x2"));
            else text.Append(c);
        }
        return text.ToString();
    }

    private static string? BearerToken(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    /// <summary>The person behind an impersonation token (RFC 8693 <c>act</c> claim), when there is one.</summary>
    private static string? ActorOf(ClaimsPrincipal user)
    {
        var act = user.FindFirstValue("act");
        if (string.IsNullOrEmpty(act) || act[0] != '{') return null;
        try
        {
            using var doc = JsonDocument.Parse(act);
            return doc.RootElement.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String ? sub.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>For endpoints that did not say (or never ran: denied by scope), the route's own path or name.</summary>
    private static string? RoutePath(HttpContext context)
    {
        foreach (var key in (string[])["path", "name", "id"])
            if (context.GetRouteValue(key) is string { Length: > 0 and <= MaxTarget } value) return value;
        return null;
    }

    /// <summary>The code of the error envelope that was answered (error bodies never hold values).</summary>
    private static string? ErrorCodeOf(MemoryStream held)
    {
        if (held.Length is 0 or > 16 * 1024) return null;
        try
        {
            var reader = new Utf8JsonReader(held.GetBuffer().AsSpan(0, (int)held.Length));
            using var doc = JsonDocument.ParseValue(ref reader);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                   && doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                   && error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                ? code.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Holds the response body in memory. Starting or flushing the response does not reach the client:
    /// nothing may leave before the audit entry is durable.
    /// </summary>
    private sealed class HoldingBody(MemoryStream held) : IHttpResponseBodyFeature
    {
        private PipeWriter? _writer;

        public Stream Stream => held;
        public PipeWriter Writer => _writer ??= PipeWriter.Create(held, new StreamPipeWriterOptions(leaveOpen: true));
        public void DisableBuffering() { }
        public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
        {
            await using var file = File.OpenRead(path);
            file.Seek(offset, SeekOrigin.Begin);
            if (count is null) await file.CopyToAsync(held, cancellationToken);
            else
            {
                var buffer = new byte[count.Value];
                await file.ReadExactlyAsync(buffer, cancellationToken);
                await held.WriteAsync(buffer, cancellationToken);
            }
        }

        public async Task CompleteAsync()
        {
            if (_writer is not null) await _writer.FlushAsync();
        }
    }
}

public static class AuditIdentities
{
    /// <summary>The identity of a request that carried no valid token.</summary>
    public const string Anonymous = "anonymous";
}
