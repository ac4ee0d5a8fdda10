using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ScaiVault.Federation.Aws;

/// <summary>
/// AWS Signature Version 4 (header form), proven against the AWS SigV4 test suite in
/// tests/Federation.Tests/Aws/SigV4Vectors.
/// </summary>
/// <remarks>
/// Hand-written on purpose: AWSSDK.Core's <c>AWS4Signer</c> signs only its own <c>IRequest</c>
/// (<c>DefaultRequest</c> built by a generated service client with an <c>IClientConfig</c>), not an
/// <see cref="HttpRequestMessage"/>, and AWSSDK.SecretsManager is not available here. SigV4 itself is a
/// canonical request, a string to sign and an HMAC chain: small, fixed and fully specified by the vectors.
/// </remarks>
public static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    public sealed record Signature(string CanonicalRequest, string StringToSign, string Authorization);

    /// <summary>
    /// Signs a request described by its parts. Every header given is signed; it must include
    /// <c>x-amz-date</c> and <c>host</c>. The path and query are as written in the request line.
    /// </summary>
    public static Signature Sign(
        string method, string path, string query, IReadOnlyList<KeyValuePair<string, string>> headers,
        ReadOnlySpan<byte> body, AwsCredentials credentials, string region, string service)
    {
        var canonicalHeaders = headers
            .GroupBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Value: string.Join(',', g.Select(h => TrimAndCollapse(h.Value)))))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        var amzDate = canonicalHeaders.FirstOrDefault(h => h.Name == "x-amz-date").Value
            ?? throw new ArgumentException("The request has no x-amz-date header to sign.", nameof(headers));
        var signedHeaders = string.Join(';', canonicalHeaders.Select(h => h.Name));

        var canonicalRequest = new StringBuilder()
            .Append(method.ToUpperInvariant()).Append('\n')
            .Append(CanonicalPath(path)).Append('\n')
            .Append(CanonicalQuery(query)).Append('\n');
        foreach (var (name, value) in canonicalHeaders) canonicalRequest.Append(name).Append(':').Append(value).Append('\n');
        canonicalRequest.Append('\n').Append(signedHeaders).Append('\n').Append(HexSha256(body));

        var day = amzDate[..8];
        var scope = $"{day}/{region}/{service}/aws4_request";
        var creq = canonicalRequest.ToString();
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{HexSha256(Encoding.UTF8.GetBytes(creq))}";

        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretAccessKey), day);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        var signature = Convert.ToHexStringLower(Hmac(key, stringToSign));

        return new Signature(creq, stringToSign,
            $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>
    /// Adds <c>X-Amz-Date</c>, <c>X-Amz-Security-Token</c> (temporary credentials) and <c>Authorization</c>
    /// to a request whose content is a <see cref="ByteArrayContent"/> of <paramref name="body"/>. Signs
    /// host, content-type and the x-amz-* headers: exactly what goes on the wire (the content type as set,
    /// the host with its port when it is not the scheme's default).
    /// </summary>
    public static void SignRequest(HttpRequestMessage request, ReadOnlySpan<byte> body, AwsCredentials credentials,
        string region, string service, DateTimeOffset now)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", now.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture));
        request.Headers.Remove("X-Amz-Security-Token");
        if (credentials.SessionToken is not null)
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.SessionToken);

        var headers = new List<KeyValuePair<string, string>> { new("host", uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}") };
        if (request.Content?.Headers.ContentType is { } contentType) headers.Add(new("content-type", contentType.ToString()));
        foreach (var header in request.Headers)
            if (header.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
                headers.Add(new(header.Key, string.Join(',', header.Value)));

        var signed = Sign(request.Method.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), headers, body, credentials, region, service);
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", signed.Authorization);
    }

    private static string CanonicalPath(string path)
    {
        if (path.Length == 0) return "/";
        return string.Join('/', path.Split('/').Select(UriEncode));
    }

    private static string CanonicalQuery(string query)
    {
        if (query.Length == 0) return "";
        return string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var eq = pair.IndexOf('=');
                var name = eq < 0 ? pair : pair[..eq];
                var value = eq < 0 ? "" : pair[(eq + 1)..];
                return (Name: UriEncode(Uri.UnescapeDataString(name)), Value: UriEncode(Uri.UnescapeDataString(value)));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));
    }

    /// <summary>RFC 3986 encoding as SigV4 wants it: unreserved characters kept, every other UTF-8 byte as %XX upper-case.</summary>
    internal static string UriEncode(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.' or '_' or '~') sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static string TrimAndCollapse(string value)
    {
        var sb = new StringBuilder(value.Length);
        var lastWasSpace = false;
        foreach (var c in value.Trim())
        {
            var space = c is ' ' or '\t';
            if (space && lastWasSpace) continue;
            sb.Append(space ? ' ' : c);
            lastWasSpace = space;
        }
        return sb.ToString();
    }

    private static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
