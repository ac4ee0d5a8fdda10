using ScaiVault.Domain.Audit;
using ScaiVault.Domain.Policies;
using ScaiVault.Domain.Identities;
using ScaiVault.Domain.Secrets;
using ScaiVault.Domain.Federation;

namespace ScaiVault.Domain;

/// <summary>
/// The stored name of every event type. Names are part of the data: a renamed class keeps its old
/// name here, and a test pins the whole list so a rename cannot slip through.
/// </summary>
public static class EventTypes
{
    public static readonly IReadOnlyList<(Type Type, string Name)> All =
    [
        (typeof(SecretVersionWritten), "secret_version_written"),
        (typeof(SecretMetadataUpdated), "secret_metadata_updated"),
        (typeof(SecretVersionsSoftDeleted), "secret_versions_soft_deleted"),
        (typeof(SecretVersionsRestored), "secret_versions_restored"),
        (typeof(SecretVersionsDestroyed), "secret_versions_destroyed"),
        (typeof(SecretDeleted), "secret_deleted"),
        (typeof(PolicyDefined), "policy_defined"),
        (typeof(PolicyChanged), "policy_changed"),
        (typeof(PolicyBound), "policy_bound"),
        (typeof(PolicyUnbound), "policy_unbound"),
        (typeof(PolicyRemoved), "policy_removed"),
        (typeof(IdentityUpdated), "identity_updated"),
        (typeof(GroupMemberAdded), "group_member_added"),
        (typeof(GroupMemberRemoved), "group_member_removed"),
        (typeof(IdentityDeleted), "identity_deleted"),
        (typeof(AuditEntryRecorded), "audit_entry_recorded"),
        (typeof(FederationBackendConfigured), "federation_backend_configured"),
        (typeof(FederationBackendReconfigured), "federation_backend_reconfigured"),
        (typeof(FederationBackendRemoved), "federation_backend_removed"),
        (typeof(SyncRequested), "federation_sync_requested"),
        (typeof(SyncStarted), "federation_sync_started"),
        (typeof(SyncCompleted), "federation_sync_completed"),
        (typeof(SyncFailed), "federation_sync_failed"),
        (typeof(BackendUnreachable), "federation_backend_unreachable"),
        (typeof(BackendReached), "federation_backend_reached"),
        (typeof(SyncConflictDetected), "federation_sync_conflict_detected"),
        (typeof(SyncConflictResolved), "federation_sync_conflict_resolved"),
        (typeof(SyncBaselineAdvanced), "federation_sync_baseline_advanced"),
        (typeof(WriteThroughDelivered), "federation_write_through_delivered"),
        (typeof(WriteThroughFailed), "federation_write_through_failed"),
    ];
}
