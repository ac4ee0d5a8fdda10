namespace ScaiVault.Domain.Federation;

/// <summary>
/// The write model of a federation backend and, projected inline, the document the backends API reads:
/// its settings and how often they changed (<see cref="Revision"/> tells adapters built from an older
/// configuration apart).
/// </summary>
public sealed record FederationBackend(
    string Id,
    BackendSettings Settings,
    int Revision,
    bool Removed,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt)
{
    public static FederationBackend Create(FederationBackendConfigured e) =>
        new(e.BackendId, e.Settings, 1, false, e.ConfiguredAt, e.ConfiguredBy, e.ConfiguredAt);

    public FederationBackend Apply(FederationBackendReconfigured e) =>
        this with { Settings = e.Settings, Revision = Revision + 1, UpdatedAt = e.ReconfiguredAt };

    public FederationBackend Apply(FederationBackendRemoved e) => this with { Removed = true, UpdatedAt = e.RemovedAt };

    [System.Text.Json.Serialization.JsonIgnore]
    public bool Exists => !Removed;
}
