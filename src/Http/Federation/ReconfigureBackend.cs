using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Federation;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Federation;

public static class ReconfigureBackendEndpoint
{
    /// <summary>
    /// Changes any subset of the settings (fields sent replace, fields left out stay; <c>type</c> cannot change).
    /// Switching <c>mode</c> between proxy and sync is only this: a configuration change, no data operation.
    /// </summary>
    [Authorize(Policy = Scopes.FederationWrite)]
    [WolverinePatch("/v1/federation/backends/{id}")]
    public static async Task<IResult> Patch(string id, HttpContext context, ClaimsPrincipal user, FederationStore backends, BackendFactories factories)
    {
        var caller = user.ToCaller();
        context.Audit().Action = "federation.backend.reconfigure";
        context.Audit().Path = id;
        var current = await backends.LoadAsync(caller.TenantId, id, context.RequestAborted);
        if (current is null) return FederationStore.NotFound().ToResult();
        var (root, bodyError) = await JsonBody.ReadObjectAsync(context);
        if (bodyError is not null) return bodyError.ToResult();
        var (settings, error) = BackendRequestReader.Read(root, current.Settings, factories);
        if (error is not null) return error.ToResult();
        if (settings!.Name != current.Settings.Name && await backends.NameInUseAsync(caller.TenantId, settings.Name, id, context.RequestAborted))
            return ApiError.Conflict(Domain.Federation.FederationErrorCodes.NameInUse, $"A backend named '{settings.Name}' exists in this tenant already.").ToResult();

        var (after, changeError) = await backends.ChangeAsync(caller, id,
            (backend, by, now) => FederationDecisions.Reconfigure(backend, settings, by, now), context.RequestAborted);
        if (changeError is not null) return changeError.ToResult();
        return JsonResponse.Ok(json => BackendJson.Write(json, after!));
    }
}
