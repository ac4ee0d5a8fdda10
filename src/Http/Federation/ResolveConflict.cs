using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Policies;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Federation;

public static class ResolveConflictEndpoint
{
    /// <summary>
    /// Resolves an open conflict: <c>{"path": "...", "resolution": "local" | "backend"}</c>. Choosing the backend
    /// writes the secret, so the caller also needs a ScaiVault policy allowing <c>write</c> on the path.
    /// </summary>
    [Authorize(Policy = Scopes.FederationWrite)]
    [WolverinePost("/v1/federation/backends/{id}/conflicts/resolve")]
    public static async Task<IResult> Post(string id, HttpContext context, ClaimsPrincipal user, FederationStore backends, ConflictResolver resolver,
        PathAccess access)
    {
        var caller = user.ToCaller();
        context.Audit().Action = "federation.conflict.resolve";
        var (root, bodyError) = await JsonBody.ReadObjectAsync(context);
        if (bodyError is not null) return bodyError.ToResult();
        if (root.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => n is not ("path" or "resolution")) is { } unknown)
            return Invalid($"'{(unknown.Length <= 64 ? unknown : unknown[..64])}' is not a field of this request; known fields are: path, resolution.");
        if (!root.TryGetProperty("path", out var pathElement) || pathElement.ValueKind != JsonValueKind.String)
            return Invalid("path is required: the ScaiVault path of the conflict.");
        var path = pathElement.GetString()!;
        if (!SecretPath.TryValidate(path, out var pathError)) return ApiError.BadRequest(ErrorCodes.InvalidPath, pathError).ToResult();
        if (!root.TryGetProperty("resolution", out var resolution) || resolution.ValueKind != JsonValueKind.String
            || resolution.GetString() is not ("local" or "backend"))
            return Invalid("resolution must be local (keep ScaiVault's value) or backend (take the backend's value).");
        context.Audit().Path = path;
        if (await access.CheckAsync(caller, PolicyAction.Write, path, context.RequestAborted) is { } denied) return denied.ToResult();

        var backend = await backends.LoadAsync(caller.TenantId, id, context.RequestAborted);
        if (backend is null) return FederationStore.NotFound().ToResult();
        var (resolved, error) = await resolver.ResolveAsync(caller, backend, path, resolution.GetString()!, context.RequestAborted);
        if (error is not null) return error.ToResult();
        var done = resolved!;
        return JsonResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("path", done.Path);
            json.WriteString("resolution", done.Winner);
            json.WriteNumber("version", done.LocalVersion);
            Secrets.SecretJson.WriteTime(json, "resolved_at", done.ResolvedAt);
            json.WriteEndObject();
        });
    }

    private static IResult Invalid(string message) => ApiError.BadRequest(ErrorCodes.InvalidRequest, message).ToResult();
}
