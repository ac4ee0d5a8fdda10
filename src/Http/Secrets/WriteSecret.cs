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

public static class WriteSecretEndpoint
{
    private static readonly IValidator<WriteSecretBody> Validator = new WriteSecretBodyValidator();

    /// <summary>Creates the next version of the secret at a path (check-and-set with <c>options.cas</c>).</summary>
    [Authorize(Policy = Scopes.SecretsWrite)]
    [WolverinePut("/v1/secrets/{*path}")]
    public static async Task<IResult> Put(HttpContext context, ClaimsPrincipal user, SecretStore secrets, PathAccess access)
    {
        var (path, body, requestError) = await SecretRequestReader.ReadAsync(context, "/v1/secrets/",
            new Access(access, user.ToCaller(), PolicyAction.Write, context.RequestAborted), SecretRequestReader.ReadWrite, Validator);
        context.Audit().Path = path;
        if (requestError is not null) return requestError.ToResult();

        SecretTypes.TryParse(body.SecretType, out var type);
        var (plaintext, valueError) = SecretValueCodec.Encode(type, body.Data);
        if (valueError is not null) return valueError.ToResult();

        // A write replaces the metadata when it sends some and keeps it otherwise.
        var metadata = body.Metadata?.ApplyTo(SecretMetadata.Empty);
        var (written, error) = await secrets.WriteAsync(user.ToCaller(), path, type, plaintext, metadata, body.MaxVersions, body.Cas, context.RequestAborted);
        if (error is not null) return error.ToResult();
        context.Audit().Version = written!.Version;

        return JsonResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("path", written!.Path);
            json.WriteNumber("version", written.Version);
            json.WriteString("secret_type", written.SecretType.ToWire());
            SecretJson.WriteTime(json, "created_at", written.WrittenAt);
            SecretJson.WriteTime(json, "updated_at", written.WrittenAt);
            json.WriteEndObject();
        });
    }
}
