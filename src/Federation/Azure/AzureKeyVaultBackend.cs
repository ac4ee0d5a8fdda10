using System.Diagnostics;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;

namespace ScaiVault.Federation.Azure;

/// <summary>
/// An Azure Key Vault behind the federation port, through the official <see cref="SecretClient"/>.
/// Names are mapped by <see cref="AzureSecretNames"/>, values by <see cref="AzureValues"/>. The client and
/// its credential are built on first use, because the credential is a ScaiVault secret read asynchronously.
/// </summary>
public sealed class AzureKeyVaultBackend : IFederationBackend
{
    public const string TypeName = "azure-key-vault";

    private readonly AzureKeyVaultConfig _config;
    private readonly ICredentialSource _credentials;
    private readonly AzureTransport.CallCounter _counter = new();
    private readonly HttpPipelineTransport _transport;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private volatile SecretClient? _client;

    public AzureKeyVaultBackend(AzureKeyVaultConfig config, ICredentialSource credentials)
    {
        _config = config;
        _credentials = credentials;
        _transport = AzureTransport.Create(config);
    }

    public string Type => TypeName;

    /// <summary>Requests sent to the vault and to the token endpoint, retries and challenge round trips included.</summary>
    public long OutboundCalls => _counter.Calls;

    public async Task<TimeSpan> CheckAsync(CancellationToken ct)
    {
        var client = await ClientAsync(ct);
        var started = Stopwatch.GetTimestamp();
        await Call("check", ct, async () =>
        {
            await foreach (var _ in client.GetPropertiesOfSecretsAsync(ct).AsPages(pageSizeHint: 1).WithCancellation(ct)) break;
            return 0;
        });
        return Stopwatch.GetElapsedTime(started);
    }

    /// <remarks>
    /// Key Vault has no server-side name filter: every call lists the whole vault (25 names a page) and
    /// filters here. The change marker is the update time of the current version plus what else the list
    /// shows (enabled, content type, tags), since the list carries no version id.
    /// </remarks>
    public async IAsyncEnumerable<RemoteSecretRef> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var client = await ClientAsync(ct);
        await using var pages = client.GetPropertiesOfSecretsAsync(ct).AsPages().GetAsyncEnumerator(ct);
        while (true)
        {
            Page<SecretProperties>? page = null;
            await Call("list secrets", ct, async () => (page = await pages.MoveNextAsync() ? pages.Current : null) is not null);
            if (page is null) yield break;
            foreach (var item in page.Values)
            {
                var name = AzureSecretNames.Decode(item.Name);
                if (name.StartsWith(prefix, StringComparison.Ordinal)) yield return new RemoteSecretRef(name, ChangeMarker(item));
            }
        }
    }

    public async Task<RemoteSecret?> ReadAsync(string name, CancellationToken ct)
    {
        // A name Azure cannot hold has no secret there.
        if (!AzureSecretNames.TryEncode(name, out var azureName, out _)) return null;
        var client = await ClientAsync(ct);
        try
        {
            var secret = await Call("read", ct, async () => (await client.GetSecretAsync(azureName, cancellationToken: ct)).Value);
            return ToRemote(name, secret);
        }
        catch (SecretMissing)
        {
            return null;
        }
        catch (SecretDisabled)
        {
            // The current version is disabled: it exists, but its value cannot be read; the versions list
            // tells which version it is.
            var versions = await ListVersionsAsync(client, azureName, ct);
            var current = versions.LastOrDefault();
            return current is null ? null : ToRemote(name, current, value: null);
        }
    }

    /// <remarks>One list call per 25 versions, then one read per enabled version.</remarks>
    public async Task<IReadOnlyList<RemoteSecret>> ReadVersionsAsync(string name, CancellationToken ct)
    {
        if (!AzureSecretNames.TryEncode(name, out var azureName, out _)) return [];
        var client = await ClientAsync(ct);
        List<SecretProperties> versions;
        try
        {
            versions = await ListVersionsAsync(client, azureName, ct);
        }
        catch (SecretMissing)
        {
            return [];
        }
        if (versions is [.., var previous, var newest] && previous.CreatedOn == newest.CreatedOn)
        {
            // Creation times have one-second resolution: two versions written in the same second are ordered only by
            // asking which one is current (sync and write-through compare the newest version id with their baseline).
            try
            {
                var current = (await Call("read current", ct, async () => (await client.GetSecretAsync(azureName, cancellationToken: ct)).Value)).Properties.Version;
                var index = versions.FindIndex(v => v.Version == current);
                if (index >= 0) versions = [.. versions.Where((_, i) => i != index), versions[index]];
            }
            catch (Exception e) when (e is SecretMissing or SecretDisabled)
            {
                // No readable current version: the creation order stands.
            }
        }
        var result = new List<RemoteSecret>(versions.Count);
        foreach (var version in versions)
        {
            if (version.Enabled != true)
            {
                result.Add(ToRemote(name, version, value: null));
                continue;
            }
            try
            {
                var secret = await Call("read version", ct,
                    async () => (await client.GetSecretAsync(azureName, version.Version, ct)).Value);
                result.Add(ToRemote(name, secret));
            }
            catch (SecretDisabled)
            {
                result.Add(ToRemote(name, version, value: null));   // disabled between list and read
            }
            catch (SecretMissing)
            {
                // deleted between list and read: nothing to report for this version
            }
        }
        return result;
    }

    public async Task<string> WriteAsync(string name, RemoteSecretValue value, CancellationToken ct)
    {
        if (!AzureSecretNames.TryEncode(name, out var azureName, out var reason))
            throw new FederationBackendException(BackendFailure.NameNotRepresentable, $"'{name}' cannot be written to Azure Key Vault: {reason}");
        var secret = AzureValues.ToAzure(azureName, value);
        var client = await ClientAsync(ct);
        var written = await Call("write", ct, async () => (await client.SetSecretAsync(secret, ct)).Value);
        return written.Properties.Version;
    }

    public void Dispose()
    {
        _connecting.Dispose();
        (_transport as IDisposable)?.Dispose();
    }

    private async Task<List<SecretProperties>> ListVersionsAsync(SecretClient client, string azureName, CancellationToken ct)
    {
        var versions = new List<SecretProperties>();
        await using var pages = client.GetPropertiesOfSecretVersionsAsync(azureName, ct).AsPages().GetAsyncEnumerator(ct);
        while (await Call("list versions", ct, async () => await pages.MoveNextAsync()))
            versions.AddRange(pages.Current.Values);
        // The service promises no order: oldest first by creation time, version id as a stable tie-break.
        return [.. versions.OrderBy(v => v.CreatedOn).ThenBy(v => v.Version, StringComparer.Ordinal)];
    }

    private async Task<SecretClient> ClientAsync(CancellationToken ct)
    {
        if (_client is { } ready) return ready;
        await _connecting.WaitAsync(ct);
        try
        {
            if (_client is not null) return _client;
            var credential = await AzureCredentials.CreateAsync(_config, _credentials, _transport, _counter, ct);
            var options = new SecretClientOptions
            {
                Transport = _transport,
                // The challenge names the resource https://vault.azure.net; the SDK checks that the vault's host
                // ends in ".vault.azure.net". Keep that check for Azure's hosts; a private endpoint or sovereign
                // host with a custom name (or a fake on 127.0.0.1) would fail it although the token is right.
                DisableChallengeResourceVerification = !IsAzureVaultHost(_config.VaultUri.Host),
            };
            options.Retry.MaxRetries = _config.MaxRetries;
            options.Retry.Mode = RetryMode.Exponential;
            options.Retry.Delay = _config.RetryDelay;
            options.Retry.MaxDelay = TimeSpan.FromSeconds(30);
            options.Retry.NetworkTimeout = _config.NetworkTimeout;
            options.AddPolicy(_counter, HttpPipelinePosition.PerRetry);
            return _client = new SecretClient(_config.VaultUri, credential, options);
        }
        finally
        {
            _connecting.Release();
        }
    }

    private static bool IsAzureVaultHost(string host) =>
        host.EndsWith(".vault.azure.net", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".vault.azure.cn", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".vault.usgovcloudapi.net", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".vault.microsoftazure.de", StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs one SDK call, turning its failures into port failures (404 and disabled stay distinguishable).</summary>
    private async Task<T> Call<T>(string operation, CancellationToken ct, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RequestFailedException r) when (r is { Status: 404, ErrorCode: "SecretNotFound" })
        {
            throw new SecretMissing();
        }
        catch (RequestFailedException r) when (r is { Status: 403, ErrorCode: "Forbidden" } && IsDisabled(r))
        {
            throw new SecretDisabled();
        }
        catch (Exception e) when (AzureFailures.IsMapped(e, ct))
        {
            var failure = AzureFailures.Map(e, operation, ct);
            // Refused credentials may have been rotated in ScaiVault since: the next call reads them again.
            if (failure.Failure == BackendFailure.AccessDenied) _client = null;
            throw failure;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new FederationBackendException(BackendFailure.Unavailable, $"Azure Key Vault could not be reached for {operation}.", e);
        }
    }

    // Azure says "disabled" only in innererror.code (SecretDisabled), which the SDK keeps in the raw response.
    private static bool IsDisabled(RequestFailedException r)
    {
        var body = r.GetRawResponse()?.Content;
        return body is not null && body.ToString().Contains("\"SecretDisabled\"", StringComparison.Ordinal);
    }

    private static RemoteSecret ToRemote(string name, KeyVaultSecret secret) =>
        ToRemote(name, secret.Properties, AzureValues.FromAzure(secret.Value, secret.Properties.ContentType));

    private static RemoteSecret ToRemote(string name, SecretProperties p, RemoteSecretValue? value) => new(
        name,
        p.Version ?? "",
        value,
        [.. p.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}")],
        p.UpdatedOn ?? p.CreatedOn,
        p.Enabled == false ? RemoteVersionState.Disabled : RemoteVersionState.Active,
        p.ExpiresOn);

    private static string ChangeMarker(SecretProperties p)
    {
        var tags = string.Join(",", p.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{p.Enabled}|{p.ContentType}|{p.ExpiresOn?.ToUnixTimeSeconds()}|{tags}")))[..16];
        return $"{p.UpdatedOn?.ToUnixTimeSeconds()}:{digest}";
    }

    private sealed class SecretMissing : Exception;

    private sealed class SecretDisabled : Exception;
}
