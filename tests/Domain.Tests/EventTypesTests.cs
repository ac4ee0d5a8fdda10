using ScaiVault.Domain;

namespace ScaiVault.Domain.Tests;

public sealed class EventTypesTests
{
    // Stored event names are data: changing one orphans every event already written under it.
    [Fact]
    public void EventTypeNames_ArePinned()
    {
        var names = EventTypes.All.Select(e => $"{e.Type.Name}={e.Name}").ToArray();
        names.ShouldBe(
        [
            "SecretVersionWritten=secret_version_written",
            "SecretMetadataUpdated=secret_metadata_updated",
            "SecretVersionsSoftDeleted=secret_versions_soft_deleted",
            "SecretVersionsRestored=secret_versions_restored",
            "SecretVersionsDestroyed=secret_versions_destroyed",
            "SecretDeleted=secret_deleted",
            "PolicyDefined=policy_defined",
            "PolicyChanged=policy_changed",
            "PolicyBound=policy_bound",
            "PolicyUnbound=policy_unbound",
            "PolicyRemoved=policy_removed",
            "IdentityUpdated=identity_updated",
            "GroupMemberAdded=group_member_added",
            "GroupMemberRemoved=group_member_removed",
            "IdentityDeleted=identity_deleted",
            "AuditEntryRecorded=audit_entry_recorded",
            "FederationBackendConfigured=federation_backend_configured",
            "FederationBackendReconfigured=federation_backend_reconfigured",
            "FederationBackendRemoved=federation_backend_removed",
            "SyncRequested=federation_sync_requested",
            "SyncStarted=federation_sync_started",
            "SyncCompleted=federation_sync_completed",
            "SyncFailed=federation_sync_failed",
            "BackendUnreachable=federation_backend_unreachable",
            "BackendReached=federation_backend_reached",
            "SyncConflictDetected=federation_sync_conflict_detected",
            "SyncConflictResolved=federation_sync_conflict_resolved",
            "SyncBaselineAdvanced=federation_sync_baseline_advanced",
            "WriteThroughDelivered=federation_write_through_delivered",
            "WriteThroughFailed=federation_write_through_failed",
        ]);
    }
}
