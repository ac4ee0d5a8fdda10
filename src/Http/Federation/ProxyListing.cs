using ScaiVault.Domain.Federation;
using ScaiVault.Domain.Policies;
using ScaiVault.Federation;
using ScaiVault.Federation.Mapping;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Json;

namespace ScaiVault.Http.Federation;

/// <summary>
/// Proxy mode for <c>GET /v1/secrets?prefix=</c>: a listing inside a proxied subtree shows what reads under it return,
/// so the backend is listed now (within <see cref="FederationOptions.ProxyTimeout"/>) and its names mapped back to
/// ScaiVault paths; local leftovers there (from an earlier sync mode) are not what reads serve and are not shown.
/// Every page lists the backend again: nothing is cached, as for proxied reads. Entries carry no version, type or
/// time, which only a read per secret could tell.
/// </summary>
public sealed class ProxyListing(BackendAdapters adapters, FederationRoutes routes, FederationOptions options, ILogger<ProxyListing> logger)
{
    public async Task<IResult> ListAsync(HttpContext context, string tenant, (FederationBackend Backend, PathMapping Mapping) proxy,
        string prefix, string? after, int limit, Func<PolicyAction, string, bool> mayList)
    {
        var (backend, mapping) = proxy;
        var audit = context.Audit();
        audit.Source = $"federation:{backend.Id}";

        var paths = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            var adapter = adapters.For(tenant, backend);
            await BackendFailures.BoundedAsync(options.ProxyTimeout, context.RequestAborted, async ct =>
            {
                foreach (var backendPrefix in mapping.BackendPrefixesUnder(prefix))
                    await foreach (var entry in adapter.ListAsync(backendPrefix, ct))
                        if (mapping.ToScaiVault(entry.Name).Path is { } path && path.StartsWith(prefix, StringComparison.Ordinal)
                            && (after is null || string.CompareOrdinal(path, after) > 0)
                            && (await routes.ProxyForAsync(tenant, path, ct))?.Backend.Id == backend.Id)
                            paths.Add(path);
                return paths.Count;
            });
        }
        catch (FederationBackendException e)
        {
            logger.LogWarning("Proxied listing of {Prefix} from federation backend {BackendId} failed: {Failure} {Reason}",
                prefix, backend.Id, e.Failure, e.Message);
            var error = BackendFailures.ToApiError(e.Failure, backend.Id);
            audit.ErrorCode = error.Code;
            return error.ToResult();
        }

        var page = paths.Take(limit + 1).ToList();
        var next = page.Count > limit ? Paging.Cursor(page[limit - 1]) : null;
        return JsonResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("prefix", prefix);
            json.WriteStartArray("secrets");
            foreach (var path in page.Take(limit).Where(p => mayList(PolicyAction.List, p)))
            {
                json.WriteStartObject();
                json.WriteString("path", path);
                json.WriteNull("current_version");
                json.WriteNull("secret_type");
                json.WriteNull("updated_at");
                json.WriteStartObject("source");
                json.WriteString("type", "federation");
                json.WriteString("mode", "proxy");
                json.WriteString("backend_id", backend.Id);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("proxied");
            json.WriteEndArray();
            json.WriteString("next_cursor", next);
            json.WriteEndObject();
        });
    }
}
