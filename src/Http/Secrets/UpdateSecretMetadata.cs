using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Policies;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Secrets;

public static class UpdateSecretMetadataEndpoint
{
    private static readonly IValidator<UpdateMetadataBody> Validator = new UpdateMetadataBodyValidator();

    /// <summary>
    /// Changes metadata or <c>max_versions</c> without a new version. Fields sent replace, fields left out
    /// stay, a null removes; lowering <c>max_versions</c> destroys the oldest versions beyond it.
    /// </summary>
    [Authorize(Policy = Scopes.SecretsWrite)]
    [WolverinePatch("/v1/metadata/{*path}")]
    public static async Task<IResult> Patch(HttpContext context, ClaimsPrincipal user, SecretStore secrets, PathAccess access)
    {
        var (path, body, requestError) = await SecretRequestReader.ReadAsync(context, "/v1/metadata/",
            new Access(access, user.ToCaller(), PolicyAction.Write, context.RequestAborted), SecretRequestReader.ReadMetadataUpdate, Validator);
        context.Audit().Path = path;
        if (requestError is not null) return requestError.ToResult();

        var error = await secrets.ChangeAsync(user.ToCaller(), path, (secret, by, now) =>
            secret is { Exists: true }
                ? SecretDecisions.UpdateMetadata(secret, body.Metadata?.ApplyTo(secret.Metadata) ?? secret.Metadata,
                    body.MaxVersions ?? secret.MaxVersions, by, now)
                : SecretDecisions.UpdateMetadata(secret, SecretMetadata.Empty, 0, by, now), context.RequestAborted);
        if (error is not null) return error.ToResult();
        return await GetSecretMetadataEndpoint.Describe(context, user, secrets, path);
    }
}
