using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ScaiVault.Fakes.Aws;
using ScaiVault.Federation.Aws;

namespace ScaiVault.Federation.Tests.Aws;

/// <summary>The fake answers like ASM on the wire: 400 + <c>__type</c> for auth failures, JSON 1.1 only.</summary>
public sealed class FakeSecretsManagerWireTests
{
    private static readonly AwsCredentials Keys = new(FakeSecretsManager.AccessKeyId, FakeSecretsManager.SecretAccessKey);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, string Type)> Send(
        FakeSecretsManager fake, string target, string contentType, AwsCredentials? credentials, DateTimeOffset signedAt, Action<HttpRequestMessage>? afterSigning = null)
    {
        var body = """{"MaxResults":1}"""u8.ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, fake.Endpoint)
        {
            Headers = { { "X-Amz-Target", target } },
            Content = new ByteArrayContent(body) { Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType) } },
        };
        if (credentials is not null) SigV4Signer.SignRequest(request, body, credentials, FakeSecretsManager.Region, "secretsmanager", signedAt);
        afterSigning?.Invoke(request);
        using var client = new HttpClient();
        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        if (response.StatusCode == HttpStatusCode.OK) return (response.StatusCode, "");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/x-amz-json-1.1");
        using var doc = JsonDocument.Parse(text);
        return (response.StatusCode, doc.RootElement.GetProperty("__type").GetString()!);
    }

    [Fact]
    public async Task SignedCall_IsAnswered200()
    {
        await using var fake = await FakeSecretsManager.StartAsync();
        (await Send(fake, "secretsmanager.ListSecrets", "application/x-amz-json-1.1", Keys, DateTimeOffset.UtcNow)).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unsigned_Tampered_Stale_UnknownKey_AreRejectedAsAsmDoes()
    {
        await using var fake = await FakeSecretsManager.StartAsync();
        var now = DateTimeOffset.UtcNow;

        (await Send(fake, "secretsmanager.ListSecrets", "application/x-amz-json-1.1", null, now))
            .ShouldBe((HttpStatusCode.BadRequest, "MissingAuthenticationTokenException"));
        (await Send(fake, "secretsmanager.ListSecrets", "application/x-amz-json-1.1", Keys, now,
                r => { r.Headers.Remove("X-Amz-Target"); r.Headers.Add("X-Amz-Target", "secretsmanager.ListSecretVersionIds"); }))
            .ShouldBe((HttpStatusCode.BadRequest, "InvalidSignatureException"));
        (await Send(fake, "secretsmanager.ListSecrets", "application/x-amz-json-1.1", Keys, now.AddMinutes(-16)))
            .ShouldBe((HttpStatusCode.BadRequest, "InvalidSignatureException"));
        (await Send(fake, "secretsmanager.ListSecrets", "application/x-amz-json-1.1", Keys with { AccessKeyId = "AKIANOBODY0000000000" }, now))
            .ShouldBe((HttpStatusCode.BadRequest, "UnrecognizedClientException"));
        (await Send(fake, "secretsmanager.ListSecrets", "application/x-amz-json-1.1", Keys, now,
                r => { r.Headers.Remove("Authorization"); r.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 garbage"); }))
            .ShouldBe((HttpStatusCode.BadRequest, "IncompleteSignature"));
    }

    [Fact]
    public async Task WrongContentType_OrUnknownOperation_Are400()
    {
        await using var fake = await FakeSecretsManager.StartAsync();
        var now = DateTimeOffset.UtcNow;

        (await Send(fake, "secretsmanager.ListSecrets", "application/json", Keys, now)).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await Send(fake, "secretsmanager.RotateEverything", "application/x-amz-json-1.1", Keys, now))
            .ShouldBe((HttpStatusCode.BadRequest, "UnknownOperationException"));
    }

    [Fact]
    public async Task Throttling_IsA400WithThrottlingException()
    {
        await using var fake = await FakeSecretsManager.StartAsync();
        fake.ThrottleNext(1);

        (await Send(fake, "secretsmanager.ListSecrets", "application/x-amz-json-1.1", Keys, DateTimeOffset.UtcNow))
            .ShouldBe((HttpStatusCode.BadRequest, "ThrottlingException"));
        (await Send(fake, "secretsmanager.ListSecrets", "application/x-amz-json-1.1", Keys, DateTimeOffset.UtcNow)).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Epochs_AreNumbers_AndAbsentFieldsAreOmitted()
    {
        await using var fake = await FakeSecretsManager.StartAsync();
        fake.Seed("prod/a", "v");
        var body = """{"SecretId":"prod/a"}"""u8.ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, fake.Endpoint)
        {
            Headers = { { "X-Amz-Target", "secretsmanager.DescribeSecret" } },
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1") } },
        };
        SigV4Signer.SignRequest(request, body, Keys, FakeSecretsManager.Region, "secretsmanager", DateTimeOffset.UtcNow);
        using var client = new HttpClient();
        using var doc = JsonDocument.Parse(await (await client.SendAsync(request, Ct)).Content.ReadAsStringAsync(Ct));

        doc.RootElement.GetProperty("CreatedDate").ValueKind.ShouldBe(JsonValueKind.Number);
        doc.RootElement.TryGetProperty("Description", out _).ShouldBeFalse();
        doc.RootElement.TryGetProperty("Tags", out _).ShouldBeFalse();
        doc.RootElement.GetProperty("ARN").GetString()!.ShouldStartWith("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/a-");
        doc.RootElement.GetProperty("VersionIdsToStages").EnumerateObject().Single().Value[0].GetString().ShouldBe("AWSCURRENT");
    }
}
