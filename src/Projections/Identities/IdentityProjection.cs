using Marten.Events.Aggregation;
using ScaiVault.Domain.Identities;

namespace ScaiVault.Projections.Identities;

/// <summary>
/// What ScaiKey last said about a user, projected inline: the identity cache is one document load, and
/// a change is visible to the next request as soon as the webhook's transaction commits.
/// </summary>
public partial class IdentityProjection : SingleStreamProjection<Identity, string>;
