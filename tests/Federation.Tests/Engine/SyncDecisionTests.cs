using ScaiVault.Domain.Federation;
using ScaiVault.Federation.Sync;

namespace ScaiVault.Federation.Tests.Engine;

public sealed class SyncDecisionTests
{
    // A secret last synced at remote marker "m1" into local version 3.
    private static LocalState Synced(int lastVersion) => new(true, lastVersion, "m1", 3, true);

    [Fact]
    public void NewRemoteSecret_IsImported() =>
        SyncDecision.Decide("m1", null, false, ConflictResolution.Manual).ShouldBe(SyncOutcome.Import);

    [Fact]
    public void SameMarker_IsUnchanged_EvenWhenLocalMovedOn()
    {
        SyncDecision.Decide("m1", Synced(3), false, ConflictResolution.Manual).Action.ShouldBe(SyncAction.Unchanged);
        SyncDecision.Decide("m1", Synced(5), false, ConflictResolution.Manual).Action.ShouldBe(SyncAction.Unchanged);
    }

    [Fact]
    public void RemoteChanged_LocalUntouched_IsImported() =>
        SyncDecision.Decide("m2", Synced(3), false, ConflictResolution.Manual).ShouldBe(SyncOutcome.Import);

    [Theory]
    [InlineData(ConflictResolution.BackendWins, SyncAction.Import)]
    [InlineData(ConflictResolution.LocalWins, SyncAction.Conflict)]
    [InlineData(ConflictResolution.Manual, SyncAction.Conflict)]
    public void BothChanged_IsAConflict_ResolvedByPolicy(ConflictResolution policy, SyncAction action)
    {
        var outcome = SyncDecision.Decide("m2", Synced(4), false, policy);
        outcome.Conflict.ShouldBeTrue();
        outcome.Action.ShouldBe(action);
        outcome.Resolution.ShouldBe(policy);
    }

    [Fact]
    public void LocalSecretNeverSyncedFromThisBackend_IsAConflict()
    {
        var local = new LocalState(true, 1, null, null, false);
        SyncDecision.Decide("m1", local, false, ConflictResolution.Manual).Conflict.ShouldBeTrue();
    }

    [Fact]
    public void DeletedLocally_RemoteChanged_IsImportedAgain() =>
        SyncDecision.Decide("m2", new LocalState(false, 4, "m1", 3, true), false, ConflictResolution.Manual).ShouldBe(SyncOutcome.Import);

    [Fact]
    public void OpenManualConflict_IsExcluded() =>
        SyncDecision.Decide("m9", Synced(4), true, ConflictResolution.Manual).ShouldBe(SyncOutcome.Excluded);

    [Fact]
    public void NoMarkerFromBackend_IsAlwaysRead() =>
        SyncDecision.Decide(null, Synced(3), false, ConflictResolution.Manual).ShouldBe(SyncOutcome.Import);

    [Theory]
    [InlineData("m2", "m1")]
    [InlineData("m1", "m1")]
    public void Marker_DecidesWhenBothSidesHaveOne(string remote, string baseline)
    {
        var local = new LocalState(true, 3, baseline, 3, true, "7");
        SyncDecision.RemoteChangedByMarker(remote, local).ShouldBe(remote != baseline);
    }

    [Fact]
    public void NoMarker_OnEitherSide_MeansTheVersionsMustBeRead()
    {
        SyncDecision.RemoteChangedByMarker(null, new LocalState(true, 3, "m1", 3, true, "7")).ShouldBeNull();   // GCP lists none
        SyncDecision.RemoteChangedByMarker("m2", new LocalState(true, 3, null, 3, true, "7")).ShouldBeNull();   // after a write-through
    }

    [Fact]
    public void ReadVersions_DecideByTheNewestRemoteVersion_OrByValueWhenIdsTellNothing()
    {
        var local = new LocalState(true, 3, null, 3, true, "7");
        var at = DateTimeOffset.Parse("2026-11-24T00:00:00Z");
        SyncDecision.RemoteChangedByVersion(new RemoteSecret("n", "8", null, [], at), local).ShouldBe(true);
        SyncDecision.RemoteChangedByVersion(new RemoteSecret("n", "7", null, [], at), local).ShouldBe(false);
        // Vault KV v1: always "current", no time: only comparing values can tell.
        SyncDecision.RemoteChangedByVersion(new RemoteSecret("n", "7", null, [], null), local).ShouldBeNull();
    }

    [Fact]
    public void LocalAheadOfAWriteThrough_RemoteUnchanged_IsNoConflict() =>
        // Local version 4 is still on its way to the backend, which holds version 7 = local 3: nothing to do.
        SyncDecision.Decide(false, new LocalState(true, 4, null, 3, true, "7"), false, ConflictResolution.Manual).Action.ShouldBe(SyncAction.Unchanged);
}
