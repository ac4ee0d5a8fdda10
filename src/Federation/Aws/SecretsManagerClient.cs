using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScaiVault.Federation.Aws;

/// <summary>
/// The AWS Secrets Manager JSON 1.1 protocol: <c>POST /</c> with <c>X-Amz-Target: secretsmanager.{Op}</c>,
/// errors as <c>{"__type": "...", "Message": "..."}</c> (HTTP 400 even for throttling and denial).
/// </summary>
internal sealed class SecretsManagerClient(AwsCallPipeline pipeline, IAwsCredentialProvider credentials, AwsSecretsManagerConfig config)
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/x-amz-json-1.1");

    /// <summary>Calls one operation and returns its JSON answer; service errors surface as <see cref="AwsServiceException"/>.</summary>
    public async Task<JsonElement> CallAsync(string operation, JsonObject input, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(input);
        for (var renewed = false; ; renewed = true)
        {
            try
            {
                var answer = await pipeline.SendAsync(
                    () => new HttpRequestMessage(HttpMethod.Post, config.Endpoint)
                    {
                        Headers = { { "X-Amz-Target", "secretsmanager." + operation } },
                        Content = new ByteArrayContent(body) { Headers = { ContentType = JsonContentType } },
                    },
                    body, credentials.GetAsync, config.Region, "secretsmanager", operation, ParseError, ct);
                try
                {
                    using var doc = JsonDocument.Parse(answer.Length == 0 ? "{}"u8.ToArray() : answer);
                    return doc.RootElement.Clone();
                }
                catch (JsonException)
                {
                    throw new FederationBackendException(BackendFailure.BadResponse, $"{operation}: Secrets Manager answered something that is not JSON.");
                }
            }
            catch (AwsServiceException e) when (!renewed && e.Code is "ExpiredTokenException" or "UnrecognizedClientException" or "InvalidSignatureException")
            {
                // Session credentials ran out (or keys were rotated in ScaiVault): fetch fresh ones once, then give up.
                credentials.Invalidate();
            }
        }
    }

    /// <summary>
    /// <c>__type</c> may come prefixed (<c>com.amazonaws...#Code</c>) or suffixed (<c>Code:http://...</c>): the bare code is
    /// what counts.
    /// </summary>
    private static AwsError ParseError(int status, byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var type = root.TryGetProperty("__type", out var t) ? t.GetString() ?? "" : root.TryGetProperty("code", out var c) ? c.GetString() ?? "" : "";
            var hash = type.LastIndexOf('#');
            if (hash >= 0) type = type[(hash + 1)..];
            var colon = type.IndexOf(':');
            if (colon >= 0) type = type[..colon];
            return new AwsError(type.Length > 0 ? type : $"Http{status}");
        }
        catch (JsonException)
        {
            return new AwsError($"Http{status}");
        }
    }
}
