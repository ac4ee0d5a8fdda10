using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace ScaiVault.Fakes.Aws;

/// <summary>
/// Server-side SigV4 check as AWS does it, written separately from the adapter's signer so that one
/// cannot hide a bug of the other: parse Credential/SignedHeaders/Signature, rebuild the canonical
/// request from the headers named in SignedHeaders as received, recompute, compare.
/// </summary>
internal static partial class FakeSigV4Verifier
{
    public sealed record Parsed(string AccessKeyId, string Date, string Region, string Service, string[] SignedHeaders, string Signature);

    /// <summary>Null when the header cannot be parsed (AWS: <c>IncompleteSignature</c>).</summary>
    public static Parsed? Parse(string? authorization)
    {
        if (authorization is null) return null;
        var m = AuthorizationPattern().Match(authorization);
        if (!m.Success) return null;
        return new Parsed(m.Groups["akid"].Value, m.Groups["date"].Value, m.Groups["region"].Value, m.Groups["service"].Value,
            m.Groups["headers"].Value.Split(';'), m.Groups["sig"].Value);
    }

    public static bool Matches(HttpRequest request, byte[] body, Parsed auth, string secretAccessKey)
    {
        var creq = new StringBuilder()
            .Append(request.Method).Append('\n')
            .Append(string.Join('/', (request.Path.Value ?? "/").Split('/').Select(Encode))).Append('\n')
            .Append(CanonicalQuery(request.QueryString.Value)).Append('\n');
        foreach (var name in auth.SignedHeaders)
        {
            var values = request.Headers[name];
            var value = string.Join(',', values.Select(v => Regex.Replace((v ?? "").Trim(), "[ \t]+", " ")));
            creq.Append(name).Append(':').Append(value).Append('\n');
        }
        creq.Append('\n').Append(string.Join(';', auth.SignedHeaders)).Append('\n')
            .Append(Convert.ToHexStringLower(SHA256.HashData(body)));

        var amzDate = request.Headers["X-Amz-Date"].ToString();
        var scope = $"{auth.Date}/{auth.Region}/{auth.Service}/aws4_request";
        var sts = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(creq.ToString())))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
        foreach (var part in new[] { auth.Date, auth.Region, auth.Service, "aws4_request" }) key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(sts)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(auth.Signature));
    }

    public static DateTimeOffset? RequestTime(HttpRequest request) =>
        DateTimeOffset.TryParseExact(request.Headers["X-Amz-Date"].ToString(), "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    private static string CanonicalQuery(string? query) =>
        string.IsNullOrEmpty(query) ? "" : string.Join('&', query.TrimStart('?').Split('&')
            .Select(p => p.Split('=', 2)).Select(p => (Encode(Uri.UnescapeDataString(p[0])), Encode(Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""))))
            .OrderBy(p => p.Item1, StringComparer.Ordinal).ThenBy(p => p.Item2, StringComparer.Ordinal).Select(p => $"{p.Item1}={p.Item2}"));

    private static string Encode(string s) =>
        string.Concat(Encoding.UTF8.GetBytes(s).Select(b =>
            char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~' ? ((char)b).ToString() : $"%{b:X2}"));

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<akid>[^/]+)/(?<date>\d{8})/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request, ?SignedHeaders=(?<headers>[a-z0-9;-]+), ?Signature=(?<sig>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationPattern();
}
