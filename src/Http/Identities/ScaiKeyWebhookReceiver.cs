using FluentValidation;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Json;

namespace ScaiVault.Http.Identities;

public static class WebhookErrorCodes
{
    public const string NotConfigured = "webhooks_not_configured";
    public const string InvalidSignature = "invalid_signature";
    public const string SignatureExpired = "signature_expired";
    public const string Replayed = "webhook_replayed";
}

/// <summary>
/// Receives one ScaiKey delivery: signature over the exact bytes, then the time window, then strict
/// JSON, structure and rules, then the decision and the delivery id in one transaction. Neither the
/// body nor the secret is ever logged; log lines carry the delivery id, its type and the tenant.
/// </summary>
public sealed class ScaiKeyWebhookReceiver(ScaiKeyWebhookKey key, IdentityStore identities, TimeProvider clock, ILogger<ScaiKeyWebhookReceiver> logger)
{
    private static readonly IValidator<ScaiKeyDelivery> Validator = new ScaiKeyDeliveryValidator();

    public async Task<IResult> ReceiveAsync(HttpContext context)
    {
        if (key.Secret is not { } secret)
            return new ApiError(503, WebhookErrorCodes.NotConfigured,
                "ScaiKey webhooks are not configured on this server (SCAIVAULT_SCAIKEY_WEBHOOK_SECRET).").ToResult();

        var headers = context.Request.Headers[ScaiKeySignature.Header];
        var (body, bodyError) = await JsonBody.ReadBytesAsync(context);
        if (bodyError is not null) return bodyError.ToResult();

        var check = headers.Count > 1 ? SignatureCheck.Malformed : ScaiKeySignature.Verify(headers.ToString(), body.Span, secret, clock.GetUtcNow());
        if (check != SignatureCheck.Valid)
        {
            logger.LogWarning("ScaiKey webhook refused: signature {Check} (request {RequestId})", check, context.TraceIdentifier);
            return check switch
            {
                SignatureCheck.Missing => Unauthorized(WebhookErrorCodes.InvalidSignature, $"The {ScaiKeySignature.Header} header is missing."),
                SignatureCheck.Malformed => Unauthorized(WebhookErrorCodes.InvalidSignature,
                    $"The {ScaiKeySignature.Header} header must be t=<unix seconds>,v1=<hex HMAC-SHA256>."),
                SignatureCheck.Expired => Unauthorized(WebhookErrorCodes.SignatureExpired,
                    $"The signature's timestamp is more than {ScaiKeySignature.Tolerance.TotalMinutes:0} minutes away from this server's clock."),
                _ => Unauthorized(WebhookErrorCodes.InvalidSignature, "The signature does not match the body."),
            };
        }

        var (root, jsonError) = JsonBody.ParseObject(body);
        if (jsonError is not null) return jsonError.ToResult();
        var (type, typeError) = ScaiKeyDeliveryReader.ReadType(root);
        if (typeError is not null) return typeError.ToResult();
        if (!ScaiKeyEventTypes.Known.Contains(type!))
        {
            // Forward compatibility: ScaiKey may send event types this version does not know yet.
            logger.LogInformation("ScaiKey webhook of an unknown type ignored (request {RequestId})", context.TraceIdentifier);
            return Status(202, "ignored");
        }

        var (delivery, readError) = ScaiKeyDeliveryReader.Read(root, type!);
        if (readError is not null) return readError.ToResult();
        var invalid = Validator.Validate(delivery!);
        if (!invalid.IsValid) return ApiError.BadRequest(ErrorCodes.InvalidRequest, invalid.Errors[0].ErrorMessage).ToResult();

        var now = clock.GetUtcNow();
        // A signed time from the future would make every later, real change look older and be ignored.
        if (delivery!.OccurredAt > now + ScaiKeySignature.Tolerance)
            return ApiError.BadRequest(ErrorCodes.InvalidRequest, "occurred_at lies in the future.").ToResult();

        var outcome = await identities.ApplyAsync(delivery, now, context.RequestAborted);
        logger.LogInformation("ScaiKey webhook {DeliveryId} ({Type}) for tenant {TenantId}: {Outcome}",
            delivery.Id, delivery.Type, delivery.TenantId, outcome);
        return outcome switch
        {
            DeliveryOutcome.Replayed => ApiError.Conflict(WebhookErrorCodes.Replayed, "A delivery with this id was already received.").ToResult(),
            DeliveryOutcome.Applied => Status(200, "applied"),
            _ => Status(200, "unchanged"),
        };
    }

    private static IResult Unauthorized(string code, string message) => new ApiError(401, code, message).ToResult();

    private static IResult Status(int status, string value) => new JsonResponse(status, json =>
    {
        json.WriteStartObject();
        json.WriteString("status", value);
        json.WriteEndObject();
    });
}
