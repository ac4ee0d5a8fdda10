namespace ScaiVault.Domain.Identities;

// One stream per (tenant, user): the stream key is "identity:<user_id>" (secret paths can never hold ':',
// so identity and secret streams share the event table without clashing), the tenant comes from
// Marten's conjoined tenancy. Who is always ScaiKey; when is the delivery's occurred_at, not the time
// ScaiVault received it, so out-of-order deliveries can be recognised.

/// <summary>ScaiKey's full profile of the user: the whole group and role lists (not a diff) and whether it is disabled.</summary>
public sealed record IdentityUpdated(string IdentityId, string[] Groups, string[] Roles, bool Disabled, string UpdatedBy, DateTimeOffset UpdatedAt);

public sealed record GroupMemberAdded(string IdentityId, string Group, string AddedBy, DateTimeOffset AddedAt);

public sealed record GroupMemberRemoved(string IdentityId, string Group, string RemovedBy, DateTimeOffset RemovedAt);

/// <summary>The user no longer exists in ScaiKey: no groups, no roles, and tokens naming it must not be honoured.</summary>
public sealed record IdentityDeleted(string IdentityId, string DeletedBy, DateTimeOffset DeletedAt);
