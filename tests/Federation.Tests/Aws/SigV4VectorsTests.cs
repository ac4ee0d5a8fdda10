using System.Net.Http.Headers;
using System.Text;
using ScaiVault.Federation.Aws;

namespace ScaiVault.Federation.Tests.Aws;

/// <summary>
/// The signer against every case of the AWS SigV4 test suite copied into SigV4Vectors/ (canonical request,
/// string to sign and Authorization header, byte for byte), and the Secrets Manager-shaped derived cases
/// through the exact HttpRequestMessage path the adapter uses.
/// </summary>
public sealed class SigV4VectorsTests
{
    private static readonly AwsCredentials SuiteKeys = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    private static string Root => Path.Combine(AppContext.BaseDirectory, "Aws", "SigV4Vectors");

    // The session token of get-vanilla-with-session-token belongs to the credentials (README: not in .req).
    private const string SuiteSessionToken = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";

    public static TheoryData<string> Cases()
    {
        var cases = new TheoryData<string>();
        foreach (var req in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Aws", "SigV4Vectors"), "*.req", SearchOption.AllDirectories).Order())
            cases.Add(Path.GetRelativePath(Path.Combine(AppContext.BaseDirectory, "Aws", "SigV4Vectors"), req)[..^4]);
        return cases;
    }

    [Fact]
    public void Vectors_AreAllPresent_FifteenCases()
    {
        Cases().Count.ShouldBe(15);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sign_SuiteCase_MatchesCanonicalRequestStringToSignAndAuthorization(string @case)
    {
        var (method, path, query, headers, body) = ParseRequest(File.ReadAllBytes(Path.Combine(Root, @case + ".req")));
        if (@case.EndsWith("get-vanilla-with-session-token", StringComparison.Ordinal))
            headers.Add(new("X-Amz-Security-Token", SuiteSessionToken));
        var service = @case.StartsWith("derived-secretsmanager", StringComparison.Ordinal) ? "secretsmanager" : "service";

        var signed = SigV4Signer.Sign(method, path, query, headers, body, SuiteKeys, "us-east-1", service);

        signed.CanonicalRequest.ShouldBe(Read(@case + ".creq"));
        signed.StringToSign.ShouldBe(Read(@case + ".sts"));
        signed.Authorization.ShouldBe(Read(@case + ".authz"));
    }

    [Theory]
    [InlineData("derived-secretsmanager/sm-get-secret-value/sm-get-secret-value", "https://secretsmanager.us-east-1.amazonaws.com/", "GetSecretValue", null)]
    [InlineData("derived-secretsmanager/sm-get-secret-value-session-token/sm-get-secret-value-session-token", "https://secretsmanager.us-east-1.amazonaws.com/", "GetSecretValue", "FAKE-SESSION-TOKEN-EXAMPLE")]
    [InlineData("derived-secretsmanager/sm-list-secrets-loopback-port/sm-list-secrets-loopback-port", "http://127.0.0.1:4566/", "ListSecrets", null)]
    public void SignRequest_SecretsManagerCall_SignsWhatGoesOnTheWire(string @case, string endpoint, string operation, string? sessionToken)
    {
        var body = ParseRequest(File.ReadAllBytes(Path.Combine(Root, @case + ".req"))).Body;
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Headers = { { "X-Amz-Target", "secretsmanager." + operation } },
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1") } },
        };

        SigV4Signer.SignRequest(request, body, SuiteKeys with { SessionToken = sessionToken }, "us-east-1", "secretsmanager", SuiteTime);

        request.Headers.GetValues("Authorization").Single().ShouldBe(Read(@case + ".authz"));
        request.Headers.GetValues("X-Amz-Date").Single().ShouldBe("20150830T123600Z");
        if (sessionToken is null) request.Headers.Contains("X-Amz-Security-Token").ShouldBeFalse();
        else request.Headers.GetValues("X-Amz-Security-Token").Single().ShouldBe(sessionToken);
    }

    [Fact]
    public void Credentials_ToString_RevealsNoKeyMaterial()
    {
        var text = (SuiteKeys with { SessionToken = "SESSION-TOKEN-XYZ" }).ToString();
        text.ShouldNotContain("AKIDEXAMPLE");
        text.ShouldNotContain("wJalrXUtnFEMI");
        text.ShouldNotContain("SESSION-TOKEN-XYZ");
    }

    private static string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative), Encoding.UTF8);

    /// <summary>The suite's .req format: request line, <c>Name:value</c> headers, blank line, body; LF endings.</summary>
    private static (string Method, string Path, string Query, List<KeyValuePair<string, string>> Headers, byte[] Body) ParseRequest(byte[] raw)
    {
        var text = Encoding.UTF8.GetString(raw);
        var split = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        var body = split < 0 ? [] : Encoding.UTF8.GetBytes(text[(split + 2)..]);
        var lines = head.Split('\n');
        var requestLine = lines[0];
        var method = requestLine[..requestLine.IndexOf(' ')];
        var target = requestLine[(method.Length + 1)..requestLine.LastIndexOf(" HTTP/", StringComparison.Ordinal)];
        var q = target.IndexOf('?');
        var headers = lines.Skip(1).Select(l => new KeyValuePair<string, string>(l[..l.IndexOf(':')], l[(l.IndexOf(':') + 1)..])).ToList();
        return (method, q < 0 ? target : target[..q], q < 0 ? "" : target[(q + 1)..], headers, body);
    }
}
