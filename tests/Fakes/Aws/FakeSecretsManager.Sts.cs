using System.Globalization;
using System.Security.Cryptography;
using System.Security;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ScaiVault.Fakes.Aws;

/// <summary>
/// STS <c>AssumeRole</c> on the Query protocol: a signed form POST (<c>Action=AssumeRole&amp;Version=2011-06-15</c>,
/// service name <c>sts</c>), answered with <c>AssumeRoleResponse</c> XML, errors as <c>ErrorResponse</c> XML.
/// Issued session keys are accepted by the Secrets Manager side until they expire on the fake's clock.
/// </summary>
public sealed partial class FakeSecretsManager
{
    private const string StsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    public int AssumeRoleCalls => Calls("sts:AssumeRole");

    /// <summary>Session credentials issued so far, newest last (for asserting refresh).</summary>
    public IReadOnlyList<string> IssuedSessionKeys => [.. _issued];

    private readonly List<string> _issued = [];

    private async Task StsAsync(HttpContext http, byte[] body)
    {
        var form = Encoding.UTF8.GetString(body).Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "");
        var action = form.GetValueOrDefault("Action") ?? "";
        _calls.AddOrUpdate("sts:" + action, 1, (_, n) => n + 1);
        if (Outage) { await StsErrorAsync(http, 503, "Receiver", "ServiceUnavailable", "Service is unavailable."); return; }
        if (Authenticate(http, body, "sts") is { } authError)
        {
            // STS words the same failures in its own codes, with 403.
            var code = authError.Code switch
            {
                "UnrecognizedClientException" => "InvalidClientTokenId",
                "ExpiredTokenException" => "ExpiredToken",
                "InvalidSignatureException" => "SignatureDoesNotMatch",
                var other => other,
            };
            await StsErrorAsync(http, 403, "Sender", code, authError.Message);
            return;
        }
        if (action != "AssumeRole" || form.GetValueOrDefault("Version") != "2011-06-15")
        {
            await StsErrorAsync(http, 400, "Sender", "InvalidAction", "Could not find operation " + action + " for version " + form.GetValueOrDefault("Version"));
            return;
        }
        var roleArn = form.GetValueOrDefault("RoleArn") ?? "";
        var sessionName = form.GetValueOrDefault("RoleSessionName") ?? "";
        if (sessionName.Length is < 2 or > 64)
        {
            await StsErrorAsync(http, 400, "Sender", "ValidationError", "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint");
            return;
        }
        if (!_roles.TryGetValue(roleArn, out var lifetime))
        {
            await StsErrorAsync(http, 403, "Sender", "AccessDenied",
                $"User: arn:aws:iam::{Account}:user/scaivault is not authorized to perform: sts:AssumeRole on resource: {roleArn}");
            return;
        }
        var duration = int.TryParse(form.GetValueOrDefault("DurationSeconds"), out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromHours(1);
        if (duration < lifetime) lifetime = duration;

        var keyId = "ASIA" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
        var token = "FwoGZXIvYXdzE" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(96));
        var expires = Clock() + lifetime;
        _sessions[keyId] = (secret, token, expires);
        lock (_issued) _issued.Add(keyId);

        var xml = $"""
            <AssumeRoleResponse xmlns="{StsNamespace}">
              <AssumeRoleResult>
                <SourceIdentity/>
                <AssumedRoleUser>
                  <Arn>{SecurityElement.Escape(roleArn.Replace(":role/", ":assumed-role/", StringComparison.Ordinal))}/{SecurityElement.Escape(sessionName)}</Arn>
                  <AssumedRoleId>AROAFAKEROLEID:{SecurityElement.Escape(sessionName)}</AssumedRoleId>
                </AssumedRoleUser>
                <Credentials>
                  <AccessKeyId>{keyId}</AccessKeyId>
                  <SecretAccessKey>{secret}</SecretAccessKey>
                  <SessionToken>{token}</SessionToken>
                  <Expiration>{expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}</Expiration>
                </Credentials>
              </AssumeRoleResult>
              <ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata>
            </AssumeRoleResponse>
            """;
        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/xml";
        await http.Response.WriteAsync(xml, http.RequestAborted);
    }

    private static async Task StsErrorAsync(HttpContext http, int status, string type, string code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/xml";
        await http.Response.WriteAsync($"""
            <ErrorResponse xmlns="{StsNamespace}">
              <Error><Type>{type}</Type><Code>{code}</Code><Message>{SecurityElement.Escape(message)}</Message></Error>
              <RequestId>{Guid.NewGuid()}</RequestId>
            </ErrorResponse>
            """);
    }
}
