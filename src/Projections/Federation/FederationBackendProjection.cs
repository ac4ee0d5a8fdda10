using Marten.Events.Aggregation;
using ScaiVault.Domain.Federation;

namespace ScaiVault.Projections.Federation;

/// <summary>The backend's configuration, projected inline: the backends API and the engines read it with one load.</summary>
public partial class FederationBackendProjection : SingleStreamProjection<FederationBackend, string>;
