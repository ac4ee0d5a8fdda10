using Marten.Events.Aggregation;
using ScaiVault.Domain.Policies;

namespace ScaiVault.Projections.Policies;

/// <summary>
/// The current state of a policy, bindings included, projected inline: a change is visible to the next
/// evaluation, and "policies bound to these subjects" is one query over this document.
/// </summary>
public partial class PolicyProjection : SingleStreamProjection<Policy, string>;
