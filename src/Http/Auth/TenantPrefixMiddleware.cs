using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using ScaiVault.Http.Errors;

namespace ScaiVault.Http.Auth;

/// <summary>
/// Cross-tenant access: <c>/t/{tenant_id}/v1/...</c> acts in another tenant, and only for a caller
/// with the <c>partner-admin</c> role. The request then continues as if sent to <c>/v1/...</c> by the
/// same caller with that tenant; the caller's own tenant stays on the principal as <c>home_tenant_id</c>.
/// Runs after authentication and before routing, so every endpoint gets the same rule for free.
/// </summary>
public sealed class TenantPrefixMiddleware(RequestDelegate next)
{
    public const string HomeTenant = "home_tenant_id";

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (!path.StartsWith("/t/", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var end = path.IndexOf('/', 3);
        var tenant = end < 0 ? path[3..] : path[3..end];
        if (end < 0 || !JwtSetup.TenantId.IsMatch(tenant))
        {
            await ApiError.BadRequest("invalid_tenant", "Cross-tenant requests look like /t/{tenant_id}/v1/...; tenant ids are 1-64 of a-z 0-9 _ -.").WriteAsync(context);
            return;
        }
        if (context.User.Identity?.IsAuthenticated != true)
        {
            await context.ChallengeAsync();
            return;
        }
        if (!context.User.IsInRole(CallerClaims.PartnerAdmin) && !context.User.HasClaim(CallerClaims.Roles, CallerClaims.PartnerAdmin))
        {
            await new ApiError(403, ErrorCodes.AccessDenied, "Acting in another tenant needs the partner-admin role.").WriteAsync(context);
            return;
        }

        var prefix = "/t/" + tenant;
        context.Request.Path = path[prefix.Length..];
        var request = context.Features.Get<IHttpRequestFeature>();
        if (request is not null && request.RawTarget.StartsWith(prefix + "/", StringComparison.Ordinal))
            request.RawTarget = request.RawTarget[prefix.Length..];
        context.User = ActingIn(context.User, tenant);
        await next(context);
    }

    private static ClaimsPrincipal ActingIn(ClaimsPrincipal user, string tenant)
    {
        var home = user.FindFirst(CallerClaims.Tenant)?.Value ?? CallerClaims.DefaultTenant;
        var claims = user.Claims.Where(c => c.Type != CallerClaims.Tenant)
            .Append(new Claim(CallerClaims.Tenant, tenant))
            .Append(new Claim(HomeTenant, home));
        var identity = user.Identity as ClaimsIdentity;
        return new ClaimsPrincipal(new ClaimsIdentity(claims, identity?.AuthenticationType, CallerClaims.Subject, CallerClaims.Roles));
    }
}
