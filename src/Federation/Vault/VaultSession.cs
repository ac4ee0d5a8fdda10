using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Federation.Vault;

/// <summary>
/// Holds the Vault token of one backend in memory only: obtains it (the stored token, an AppRole login,
/// a Kubernetes login), renews it once two thirds of its lease have passed, and logs in afresh when
/// renewal is refused or the max TTL leaves too little. Credentials are read lazily through ScaiVault's
/// own access path and never leave this class (not in logs, not in exception messages).
/// </summary>
internal sealed class VaultSession(VaultConfig config, VaultHttp http, BackendConnection connection, TimeProvider clock, ILogger logger) : IDisposable
{
    /// <summary>A token and its timing, replaced as a whole: readers outside the gate (every call) never see half an update.</summary>
    private sealed record Lease(string Token, TimeSpan LoginLease, bool Renewable, DateTimeOffset? RenewAt, DateTimeOffset? ExpiresAt);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Lease? _lease;

    /// <summary>A token fit for use now, renewing or logging in first when due.</summary>
    public async Task<string> TokenAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _lease) is { } current && !Due(current)) return current.Token;
        await _gate.WaitAsync(ct);
        try
        {
            var lease = _lease;
            if (lease is not null && !Due(lease)) return lease.Token;
            if (lease is { Renewable: true } && await TryRenewAsync(lease, ct)) return _lease!.Token;
            // A non-renewable stored token is used until it lapses; then Vault's 403 makes us read the secret again.
            if (lease is { Renewable: false, ExpiresAt: { } exp } && config.AuthMethod == VaultAuthMethod.Token && clock.GetUtcNow() < exp)
                return lease.Token;
            await LoginAsync(ct);
            return _lease!.Token;
        }
        finally { _gate.Release(); }
    }

    /// <summary>Forgets a token Vault refused, so the next <see cref="TokenAsync"/> logs in again.</summary>
    public void Refused(string token)
    {
        if (Volatile.Read(ref _lease) is { } lease && lease.Token == token) Interlocked.CompareExchange(ref _lease, null, lease);
    }

    private bool Due(Lease lease) => lease.RenewAt is { } at && clock.GetUtcNow() >= at;

    private async Task LoginAsync(CancellationToken ct)
    {
        Volatile.Write(ref _lease, null);
        switch (config.AuthMethod)
        {
            case VaultAuthMethod.Token:
                var token = await StoredTokenAsync(ct);
                // A stored token may be periodic or have a TTL: learn it, so it is renewed before it lapses.
                var lookup = await http.SendAsync("GET", "auth/token/lookup-self", token, null, ct);
                if (lookup.Status is 401 or 403)
                    throw new FederationBackendException(BackendFailure.AccessDenied,
                        $"Vault refused the token stored at '{config.AuthConfigPath}' (403): it is unknown, expired or revoked");
                if (!lookup.IsSuccess) throw Unexpected(lookup, "GET auth/token/lookup-self");
                var data = lookup.Body.GetProperty("data");
                var ttl = data.TryGetProperty("ttl", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt64() : 0;
                var renewable = data.TryGetProperty("renewable", out var r) && r.ValueKind == JsonValueKind.True;
                Adopt(token, ttl, renewable);
                break;
            case VaultAuthMethod.AppRole:
                var appRole = await CredentialObjectAsync(ct);
                var roleId = Field(appRole, "role_id");
                var secretId = Field(appRole, "secret_id");
                await LoginWithAsync(new JsonObject { ["role_id"] = roleId, ["secret_id"] = secretId }, ct);
                break;
            case VaultAuthMethod.Kubernetes:
                var role = config.KubernetesRole ?? Field(await CredentialObjectAsync(ct), "role");
                await LoginWithAsync(new JsonObject { ["role"] = role, ["jwt"] = await ServiceAccountJwtAsync(ct) }, ct);
                break;
        }
    }

    private async Task LoginWithAsync(JsonObject body, CancellationToken ct)
    {
        var path = $"auth/{config.AuthMountPath}/login";
        var reply = await http.SendAsync("POST", path, null, body, ct);
        if (reply.Status is 400 or 401 or 403)
            throw new FederationBackendException(BackendFailure.AccessDenied,
                $"Vault refused the {MethodName} login at {path} ({reply.Status}{(reply.FirstError is { Length: > 0 } e ? ": " + e : "")}); check the credentials stored at '{config.AuthConfigPath}' and the role");
        if (!reply.IsSuccess) throw Unexpected(reply, "POST " + path);
        var auth = AuthOf(reply, "POST " + path);
        Adopt(auth.Token, auth.LeaseSeconds, auth.Renewable);
        logger.LogInformation("Vault backend {BackendId} logged in with {AuthMethod}; token lease {LeaseSeconds}s", connection.BackendId, MethodName, auth.LeaseSeconds);
    }

    /// <summary>Renews the current token; false when Vault refused or the max TTL leaves less than a third of a lease (then: log in).</summary>
    private async Task<bool> TryRenewAsync(Lease lease, CancellationToken ct)
    {
        VaultReply reply;
        try
        {
            reply = await http.SendAsync("POST", "auth/token/renew-self", lease.Token, new JsonObject { ["increment"] = $"{(long)lease.LoginLease.TotalSeconds}s" }, ct);
        }
        catch (FederationBackendException e) when (e.Failure is BackendFailure.Unavailable or BackendFailure.Timeout or BackendFailure.Throttled
                                                   && lease.ExpiresAt is { } exp && clock.GetUtcNow() < exp)
        {
            // Vault is briefly unwell but the token still lives: use it, retry renewal on the next call.
            logger.LogWarning("Vault backend {BackendId}: token renewal failed ({Failure}); the token is still valid", connection.BackendId, e.Failure);
            return true;
        }
        if (!reply.IsSuccess) return false;
        var auth = AuthOf(reply, "POST auth/token/renew-self");
        if (auth.LeaseSeconds < lease.LoginLease.TotalSeconds / 3) return false;
        Adopt(lease.Token, auth.LeaseSeconds, auth.Renewable, lease.LoginLease);
        return true;
    }

    /// <param name="loginLease">The lease the token started with: renewals ask for it again and are judged against it.</param>
    private void Adopt(string token, long leaseSeconds, bool renewable, TimeSpan? loginLease = null)
    {
        var now = clock.GetUtcNow();
        Volatile.Write(ref _lease, new Lease(
            token,
            loginLease ?? TimeSpan.FromSeconds(leaseSeconds),
            renewable && leaseSeconds > 0,
            leaseSeconds > 0 ? now.AddSeconds(leaseSeconds * 2.0 / 3) : null,
            leaseSeconds > 0 ? now.AddSeconds(leaseSeconds) : null));
    }

    private static (string Token, long LeaseSeconds, bool Renewable) AuthOf(VaultReply reply, string what)
    {
        if (reply.Body.ValueKind == JsonValueKind.Object && reply.Body.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.Object
            && auth.TryGetProperty("client_token", out var token) && token.ValueKind == JsonValueKind.String
            && auth.TryGetProperty("lease_duration", out var lease) && lease.ValueKind == JsonValueKind.Number)
            return (token.GetString()!, lease.GetInt64(), auth.TryGetProperty("renewable", out var r) && r.ValueKind == JsonValueKind.True);
        throw new FederationBackendException(BackendFailure.BadResponse, $"Vault answered {what} without a usable auth block");
    }

    private async Task<string> StoredTokenAsync(CancellationToken ct)
    {
        var value = await CredentialAsync(ct);
        if (value.SecretType == SecretType.String)
        {
            var text = Encoding.UTF8.GetString(value.Bytes).Trim();
            if (text.Length > 0) return text;
        }
        return Field(Parse(value), "token");
    }

    private async Task<JsonElement> CredentialObjectAsync(CancellationToken ct) => Parse(await CredentialAsync(ct));

    private async Task<RemoteSecretValue> CredentialAsync(CancellationToken ct)
    {
        var path = config.AuthConfigPath!;
        try
        {
            return await connection.Credentials.ReadAsync(path, ct);
        }
        catch (FederationBackendException) { throw; }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
        catch (Exception e)
        {
            throw new FederationBackendException(BackendFailure.CredentialsUnusable,
                $"the Vault credentials at '{path}' could not be read ({e.GetType().Name})");
        }
    }

    private JsonElement Parse(RemoteSecretValue value)
    {
        try
        {
            using var document = JsonDocument.Parse(value.Bytes);
            if (document.RootElement.ValueKind == JsonValueKind.Object) return document.RootElement.Clone();
        }
        catch (JsonException) { }
        throw new FederationBackendException(BackendFailure.CredentialsUnusable, $"the Vault credentials at '{config.AuthConfigPath}' must be a JSON object ({ExpectedShape})");
    }

    private string Field(JsonElement credential, string name)
    {
        if (credential.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
            return text;
        throw new FederationBackendException(BackendFailure.CredentialsUnusable,
            $"the Vault credentials at '{config.AuthConfigPath}' lack the string field '{name}' ({ExpectedShape})");
    }

    private async Task<string> ServiceAccountJwtAsync(CancellationToken ct)
    {
        try
        {
            // Projected service-account tokens rotate: read the file at every login.
            var jwt = (await File.ReadAllTextAsync(config.KubernetesJwtPath, ct)).Trim();
            if (jwt.Length > 0) return jwt;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        throw new FederationBackendException(BackendFailure.CredentialsUnusable,
            $"the Kubernetes service-account token could not be read from '{config.KubernetesJwtPath}' (config.jwt_path)");
    }

    private string ExpectedShape => config.AuthMethod switch
    {
        VaultAuthMethod.AppRole => "expected {\"role_id\": \"...\", \"secret_id\": \"...\"}",
        VaultAuthMethod.Kubernetes => "expected {\"role\": \"...\"}",
        _ => "expected {\"token\": \"...\"} or a string secret",
    };

    private string MethodName => config.AuthMethod.ToString().ToLowerInvariant();

    private static FederationBackendException Unexpected(VaultReply reply, string what) =>
        new(BackendFailure.BadResponse, $"Vault answered {reply.Status} to {what}{(reply.FirstError is { Length: > 0 } e ? ": " + e : "")}");

    public void Dispose() => _gate.Dispose();
}
