namespace ScaiVault.Domain.Federation;

public sealed record FederationError(string Code, string Message);

public static class FederationErrorCodes
{
    public const string NotFound = "backend_not_found";
    public const string NameInUse = "backend_name_in_use";
    public const string ConflictNotFound = "conflict_not_found";
}

/// <summary>What each command on a backend decides, as pure functions of its current state.</summary>
public static class FederationDecisions
{
    public static IEnumerable<object> Configure(string id, BackendSettings settings, string by, DateTimeOffset now)
    {
        yield return new FederationBackendConfigured(id, settings, by, now);
    }

    /// <summary>A PATCH that changes nothing yields no event (a repeat is harmless).</summary>
    public static (IEnumerable<object> Events, FederationError? Error) Reconfigure(FederationBackend? backend, BackendSettings settings,
        string by, DateTimeOffset now)
    {
        if (backend is not { Exists: true }) return ([], NotFound());
        if (Same(backend.Settings, settings)) return ([], null);
        return ([new FederationBackendReconfigured(backend.Id, settings, by, now)], null);
    }

    public static (IEnumerable<object> Events, FederationError? Error) Remove(FederationBackend? backend, string by, DateTimeOffset now) =>
        backend is not { Exists: true } ? ([], NotFound()) : ([new FederationBackendRemoved(backend.Id, by, now)], null);

    public static FederationError NotFound() => new(FederationErrorCodes.NotFound, "No federation backend exists with this id in this tenant.");

    private static bool Same(BackendSettings a, BackendSettings b) =>
        a.Name == b.Name && a.Type == b.Type && a.Mode == b.Mode && a.SyncInterval == b.SyncInterval
        && a.ConflictResolution == b.ConflictResolution && a.WriteThrough == b.WriteThrough
        && a.PathMapping.SequenceEqual(b.PathMapping)
        && System.Text.Json.JsonElement.DeepEquals(a.Config, b.Config);
}
