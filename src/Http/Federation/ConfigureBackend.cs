using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Federation;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Federation;

public static class ConfigureBackendEndpoint
{
    /// <summary>
    /// Configures a backend (201). The config is checked by its type's factory; then one bounded connection check
    /// tells <c>status</c> (<c>healthy</c> or <c>unreachable</c>): an unreachable backend is still configured.
    /// </summary>
    [Authorize(Policy = Scopes.FederationWrite)]
    [WolverinePost("/v1/federation/backends")]
    public static async Task<IResult> Post(HttpContext context, ClaimsPrincipal user, FederationStore backends, BackendFactories factories,
        BackendChecks checks)
    {
        var caller = user.ToCaller();
        context.Audit().Action = "federation.backend.configure";
        var (root, bodyError) = await JsonBody.ReadObjectAsync(context);
        if (bodyError is not null) return bodyError.ToResult();
        var (settings, error) = BackendRequestReader.Read(root, null, factories);
        if (error is not null) return error.ToResult();
        if (await backends.NameInUseAsync(caller.TenantId, settings!.Name, null, context.RequestAborted))
            return ApiError.Conflict(Domain.Federation.FederationErrorCodes.NameInUse, $"A backend named '{settings.Name}' exists in this tenant already.").ToResult();

        var backend = await backends.StartAsync(caller, settings, context.RequestAborted);
        context.Audit().Path = backend.Id;
        var check = await checks.CheckAsync(caller.TenantId, backend, null, context.RequestAborted);
        context.Response.Headers.Location = $"/v1/federation/backends/{backend.Id}";
        return new JsonResponse(201, json => BackendJson.Write(json, backend, check.Connection == "connected" ? "healthy" : check.Connection));
    }
}
