using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Alba;

namespace ScaiVault.Http.Tests.Infrastructure;

/// <summary>Plays ScaiKey's webhook sender: builds deliveries and signs them as documented.</summary>
public static class ScaiKeyWebhooks
{
    public const string Url = "/v1/identity/webhooks/scaikey";
    public const string Header = "X-ScaiKey-Signature";

    public static string Delivery(string type, object data, string? id = null, string tenant = "acme", DateTimeOffset? occurredAt = null) =>
        JsonSerializer.Serialize(new
        {
            id = id ?? "evt_" + Guid.NewGuid().ToString("N"),
            type,
            occurred_at = (occurredAt ?? DateTimeOffset.UtcNow).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ"),
            tenant_id = tenant,
            data,
        });

    public static string UserUpdated(string user, string[] groups, string[]? roles = null, bool disabled = false, string? id = null,
        string tenant = "acme", DateTimeOffset? occurredAt = null) =>
        Delivery("user.updated", new { user_id = user, groups, roles = roles ?? [], disabled }, id, tenant, occurredAt);

    public static string Signature(string body, long? timestamp = null, string secret = AppFixture.WebhookSecret)
    {
        var t = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>Posts a delivery, signed correctly unless a signature header is given (null = none at all).</summary>
    public static Task<IScenarioResult> PostWebhook(this IAlbaHost host, string body, int status = 200, string? signature = "", bool sign = true) =>
        host.Scenario(s =>
        {
            s.Post.Url(Url);
            s.Body.TextIs(body);
            var header = signature == "" ? (sign ? Signature(body) : null) : signature;
            if (header is not null) s.WithRequestHeader(Header, header);
            s.StatusCodeShouldBe(status);
        });
}
