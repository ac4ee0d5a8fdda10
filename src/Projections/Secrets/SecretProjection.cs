using Marten.Events.Aggregation;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Projections.Secrets;

/// <summary>The current state of a secret, projected inline: a read of the current version is one load.</summary>
public partial class SecretProjection : SingleStreamProjection<Secret, string>;
