using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using ScaiVault.Http.Secrets;

namespace ScaiVault.Http.Tests.Secrets;

/// <summary>
/// Kestrel removes dot segments and decodes escapes before routing; the in-memory test server does
/// not. These tests give the route reader a raw target exactly as Kestrel would, so the edge is
/// checked on what real clients send.
/// </summary>
public sealed class SecretRouteTests
{
    [Theory]
    [InlineData("/v1/secrets/a/../b")]
    [InlineData("/v1/secrets/a/./b")]
    [InlineData("/v1/secrets/a/%2E%2E/b")]
    [InlineData("/v1/secrets/a%2Fb")]
    [InlineData("/v1/secrets/a%2fb")]
    [InlineData("/v1/secrets/a%5Cb")]
    [InlineData("/v1/secrets/a%00b")]
    [InlineData("/v1/secrets/a%25b")]
    [InlineData("/v1/secrets/a%zzb")]
    [InlineData("/v1/secrets/a%2")]
    [InlineData("/v1/secrets/a%C3%28")]
    [InlineData("/v1/secrets/a%20b")]
    [InlineData("/v1/secrets/a//b")]
    [InlineData("/v1/secrets/a/")]
    [InlineData("/v1/secrets/")]
    public void RawTarget_Hostile_IsInvalidPath(string rawTarget)
    {
        var ok = SecretRoute.TryGetPath(ContextWithRawTarget(rawTarget, cleanPath: "/v1/secrets/b"), "/v1/secrets/", out var path, out var error);

        Assert.False(ok);
        Assert.Null(path);
        Assert.Equal("invalid_path", error!.Code);
    }

    [Theory]
    [InlineData("/v1/secrets/apps/billing/db", "apps/billing/db")]
    [InlineData("/v1/secrets/apps/billing/db?version=2", "apps/billing/db")]
    [InlineData("/v1/secrets/a%41b/c", "aAb/c")]
    [InlineData("/v1/secrets/user@example.com/key+1=x_y-z", "user@example.com/key+1=x_y-z")]
    [InlineData("http://vault.internal:8200/v1/secrets/apps/db", "apps/db")]
    public void RawTarget_Valid_GivesThePath(string rawTarget, string expected)
    {
        var ok = SecretRoute.TryGetPath(ContextWithRawTarget(rawTarget, cleanPath: "/ignored"), "/v1/secrets/", out var path, out var error);

        Assert.True(ok, error?.Message);
        Assert.Equal(expected, path);
    }

    private static HttpContext ContextWithRawTarget(string rawTarget, string cleanPath)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = cleanPath;
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
        return context;
    }
}
