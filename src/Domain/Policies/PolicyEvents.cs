namespace ScaiVault.Domain.Policies;

// One stream per (tenant, policy): the stream key is "policy:<name>" (PolicyKey.For). Secrets share the
// stream table with their path as key, and a path can never hold ':', so the two never collide.

/// <summary>A policy was defined (first, or again after it was removed): its whole content.</summary>
public sealed record PolicyDefined(string PolicyId, string Name, string? Description, int Priority, PolicyRule[] Rules,
    string DefinedBy, DateTimeOffset DefinedAt);

/// <summary>The whole new description, priority and rules (not a diff), so a replay never has to merge.</summary>
public sealed record PolicyChanged(string PolicyId, string? Description, int Priority, PolicyRule[] Rules,
    string ChangedBy, DateTimeOffset ChangedAt);

/// <summary>The policy now applies to a subject (<c>identity:&lt;sub&gt;</c> or <c>group:&lt;name&gt;</c>).</summary>
public sealed record PolicyBound(string PolicyId, string Subject, string BoundBy, DateTimeOffset BoundAt);

public sealed record PolicyUnbound(string PolicyId, string Subject, string UnboundBy, DateTimeOffset UnboundAt);

/// <summary>The policy is gone with all its bindings; its name is free again.</summary>
public sealed record PolicyRemoved(string PolicyId, string RemovedBy, DateTimeOffset RemovedAt);
