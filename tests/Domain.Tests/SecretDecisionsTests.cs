using System.Collections.Immutable;
using ScaiVault.Domain.Crypto;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Domain.Tests;

public sealed class SecretDecisionsTests
{
    private const string PathId = "apps/billing/db";
    private const string Alice = "alice";
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(int minutes) => T0.AddMinutes(minutes);

    // A recognisable stand-in for ciphertext: the decisions never look inside it.
    private static SealedValue Value(int version) => new([(byte)version], [(byte)version, 0xCA], [(byte)version, 0xFE]);

    private static SecretMetadata Meta(string description, params string[] tags) =>
        new([.. tags], description, "team-billing", ImmutableSortedDictionary<string, string>.Empty.Add("env", "prod"));

    private static Secret Evolve(Secret? state, object e) => state is null
        ? e is SecretVersionWritten first ? Secret.Create(first) : throw new InvalidOperationException($"A stream cannot start with {e.GetType().Name}.")
        : e switch
        {
            SecretVersionWritten w => state.Apply(w),
            SecretMetadataUpdated m => state.Apply(m),
            SecretVersionsSoftDeleted d => state.Apply(d),
            SecretVersionsRestored r => state.Apply(r),
            SecretVersionsDestroyed x => state.Apply(x),
            SecretDeleted d => state.Apply(d),
            _ => throw new InvalidOperationException($"Unknown event {e.GetType().Name}."),
        };

    private static Secret? Fold(Secret? state, IEnumerable<object> events) => events.Aggregate(state, (s, e) => Evolve(s, e));

    private static Secret ApplyAll(Secret? state, IEnumerable<object> events) =>
        Fold(state, events).ShouldNotBeNull();

    /// <summary>Decides a write the way the API does (NextVersion, then Write) and applies what it emits.</summary>
    private static Secret WriteVersion(Secret? state, int? cas = null, SecretMetadata? metadata = null, int? maxVersions = null, int minute = 0)
    {
        var (version, error) = SecretDecisions.NextVersion(state, cas);
        error.ShouldBeNull();
        var events = SecretDecisions.Write(state, PathId, version, SecretType.String, Value(version), metadata, maxVersions, Alice, At(minute)).ToList();
        return ApplyAll(state, events);
    }

    private static Secret WithVersions(int count, int? maxVersions = null)
    {
        Secret? state = null;
        for (var i = 1; i <= count; i++)
            state = WriteVersion(state, maxVersions: i == 1 ? maxVersions : null, minute: i);
        return state!;
    }

    private static List<object> Ok((IEnumerable<object> Events, SecretError? Error) result)
    {
        result.Error.ShouldBeNull();
        return result.Events.ToList();
    }

    private static SecretError Refused((IEnumerable<object> Events, SecretError? Error) result)
    {
        result.Events.ShouldBeEmpty();
        return result.Error.ShouldNotBeNull();
    }

    private static VersionState[] States(Secret secret, int upTo) =>
        Enumerable.Range(1, upTo).Select(secret.StateOf).ToArray();

    // ---- NextVersion ------------------------------------------------------------------------------

    [Fact]
    public void NextVersion_NoSecretWithoutCas_ReturnsOne()
    {
        var (version, error) = SecretDecisions.NextVersion(null, null);
        error.ShouldBeNull();
        version.ShouldBe(1);
    }

    [Fact]
    public void NextVersion_NoSecretWithCasZero_ReturnsOne()
    {
        var (version, error) = SecretDecisions.NextVersion(null, 0);
        error.ShouldBeNull();
        version.ShouldBe(1);
    }

    [Fact]
    public void NextVersion_NoSecretWithCasOne_FailsCasMismatch()
    {
        var (version, error) = SecretDecisions.NextVersion(null, 1);
        version.ShouldBe(0);
        error.ShouldNotBeNull().Code.ShouldBe(SecretErrorCodes.CasMismatch);
        error.Message.ShouldContain("does not exist");
    }

    [Fact]
    public void NextVersion_ExistingWithoutCas_ReturnsCurrentPlusOne()
    {
        var (version, error) = SecretDecisions.NextVersion(WithVersions(2), null);
        error.ShouldBeNull();
        version.ShouldBe(3);
    }

    [Fact]
    public void NextVersion_ExistingWithCasZero_FailsCasMismatch()
    {
        var (version, error) = SecretDecisions.NextVersion(WithVersions(1), 0);
        version.ShouldBe(0);
        error.ShouldNotBeNull().Code.ShouldBe(SecretErrorCodes.CasMismatch);
        error.Message.ShouldContain("current version is 1, not 0");
    }

    [Fact]
    public void NextVersion_ExistingWithCasEqualToCurrent_ReturnsCurrentPlusOne()
    {
        var (version, error) = SecretDecisions.NextVersion(WithVersions(2), 2);
        error.ShouldBeNull();
        version.ShouldBe(3);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(-1)]
    public void NextVersion_ExistingWithOtherCas_FailsCasMismatch(int cas)
    {
        var (version, error) = SecretDecisions.NextVersion(WithVersions(2), cas);
        version.ShouldBe(0);
        error.ShouldNotBeNull().Code.ShouldBe(SecretErrorCodes.CasMismatch);
        error.Message.ShouldContain($"current version is 2, not {cas}");
    }

    [Fact]
    public void NextVersion_CurrentVersionSoftDeletedAndCasCurrent_ReturnsNext()
    {
        var secret = WithVersions(2);
        var state = ApplyAll(secret, Ok(SecretDecisions.SoftDelete(secret, [], Alice, At(10))));
        var (version, error) = SecretDecisions.NextVersion(state, 2);
        error.ShouldBeNull();
        version.ShouldBe(3);
    }

    [Fact]
    public void NextVersion_CurrentVersionDestroyedAndCasCurrent_ReturnsNext()
    {
        var secret = WithVersions(2);
        var state = ApplyAll(secret, Ok(SecretDecisions.Destroy(secret, [], Alice, At(10))));
        var (version, error) = SecretDecisions.NextVersion(state, 2);
        error.ShouldBeNull();
        version.ShouldBe(3);
    }

    [Fact]
    public void NextVersion_AfterSecretDeletedWithCasZero_ContinuesNumbering()
    {
        var secret = WithVersions(3);
        var deleted = ApplyAll(secret, Ok(SecretDecisions.DeleteSecret(secret, Alice, At(10))));

        var (version, error) = SecretDecisions.NextVersion(deleted, 0);

        error.ShouldBeNull();
        version.ShouldBe(4);
    }

    [Fact]
    public void NextVersion_AfterSecretDeletedWithoutCas_ContinuesNumbering()
    {
        var secret = WithVersions(3);
        var deleted = ApplyAll(secret, Ok(SecretDecisions.DeleteSecret(secret, Alice, At(10))));

        var (version, error) = SecretDecisions.NextVersion(deleted, null);

        error.ShouldBeNull();
        version.ShouldBe(4);
    }

    [Fact]
    public void NextVersion_AfterSecretDeletedWithCasOfOldCurrent_FailsCasMismatch()
    {
        var secret = WithVersions(3);
        var deleted = ApplyAll(secret, Ok(SecretDecisions.DeleteSecret(secret, Alice, At(10))));

        var (version, error) = SecretDecisions.NextVersion(deleted, 3);

        version.ShouldBe(0);
        error.ShouldNotBeNull().Code.ShouldBe(SecretErrorCodes.CasMismatch);
        error.Message.ShouldContain("does not exist");
    }

    // ---- Write ------------------------------------------------------------------------------------

    [Fact]
    public void Write_FirstVersionWithoutMetadata_EmitsOnlyVersionWritten()
    {
        var value = Value(1);
        var events = SecretDecisions.Write(null, PathId, 1, SecretType.Json, value, null, null, Alice, At(1)).ToList();

        events.Count.ShouldBe(1);
        var written = events[0].ShouldBeOfType<SecretVersionWritten>();
        written.Path.ShouldBe(PathId);
        written.Version.ShouldBe(1);
        written.SecretType.ShouldBe(SecretType.Json);
        written.Value.ShouldBeSameAs(value);
        written.WrittenBy.ShouldBe(Alice);
        written.WrittenAt.ShouldBe(At(1));
    }

    [Fact]
    public void Write_FirstVersionWithEmptyMetadataAndZeroMax_EmitsOnlyVersionWritten()
    {
        var emptyCopy = new SecretMetadata([], null, null, ImmutableSortedDictionary<string, string>.Empty);
        var events = SecretDecisions.Write(null, PathId, 1, SecretType.String, Value(1), emptyCopy, 0, Alice, At(1)).ToList();

        events.Count.ShouldBe(1);
        events[0].ShouldBeOfType<SecretVersionWritten>();
    }

    [Fact]
    public void Write_FirstVersionWithMetadata_EmitsVersionWrittenThenMetadataUpdated()
    {
        var meta = Meta("db password", "pci");
        var events = SecretDecisions.Write(null, PathId, 1, SecretType.String, Value(1), meta, null, Alice, At(1)).ToList();

        events.Count.ShouldBe(2);
        events[0].ShouldBeOfType<SecretVersionWritten>().Version.ShouldBe(1);
        var updated = events[1].ShouldBeOfType<SecretMetadataUpdated>();
        updated.Path.ShouldBe(PathId);
        updated.Metadata.ShouldBeSameAs(meta);
        updated.MaxVersions.ShouldBe(0);
        updated.UpdatedBy.ShouldBe(Alice);
        updated.UpdatedAt.ShouldBe(At(1));
    }

    [Fact]
    public void Write_FirstVersionWithMaxVersions_EmitsMetadataUpdatedWithEmptyMetadata()
    {
        var events = SecretDecisions.Write(null, PathId, 1, SecretType.String, Value(1), null, 5, Alice, At(1)).ToList();

        events.Count.ShouldBe(2);
        var updated = events[1].ShouldBeOfType<SecretMetadataUpdated>();
        updated.MaxVersions.ShouldBe(5);
        updated.Metadata.SameAs(SecretMetadata.Empty).ShouldBeTrue();
    }

    [Fact]
    public void Write_NextVersionWithoutMetadataOrMax_KeepsBothAndEmitsOnlyVersionWritten()
    {
        var secret = WriteVersion(null, metadata: Meta("db", "pci"), maxVersions: 5);

        var events = SecretDecisions.Write(secret, PathId, 2, SecretType.String, Value(2), null, null, Alice, At(2)).ToList();

        events.Count.ShouldBe(1);
        events[0].ShouldBeOfType<SecretVersionWritten>().Version.ShouldBe(2);
    }

    [Fact]
    public void Write_NextVersionWithEqualMetadataCopyAndSameMax_EmitsOnlyVersionWritten()
    {
        var secret = WriteVersion(null, metadata: Meta("db", "pci"), maxVersions: 5);

        var events = SecretDecisions.Write(secret, PathId, 2, SecretType.String, Value(2), Meta("db", "pci"), 5, Alice, At(2)).ToList();

        events.Count.ShouldBe(1);
        events[0].ShouldBeOfType<SecretVersionWritten>();
    }

    [Fact]
    public void Write_NextVersionWithChangedMetadata_EmitsMetadataUpdatedKeepingMax()
    {
        var secret = WriteVersion(null, metadata: Meta("db", "pci"), maxVersions: 5);
        var changed = Meta("db", "pci", "rotated");

        var events = SecretDecisions.Write(secret, PathId, 2, SecretType.String, Value(2), changed, null, Alice, At(2)).ToList();

        events.Count.ShouldBe(2);
        var updated = events[1].ShouldBeOfType<SecretMetadataUpdated>();
        updated.Metadata.ShouldBeSameAs(changed);
        updated.MaxVersions.ShouldBe(5);
    }

    [Fact]
    public void Write_NextVersionWithChangedMaxOnly_EmitsMetadataUpdatedKeepingMetadata()
    {
        var meta = Meta("db", "pci");
        var secret = WriteVersion(null, metadata: meta, maxVersions: 5);

        var events = SecretDecisions.Write(secret, PathId, 2, SecretType.String, Value(2), null, 7, Alice, At(2)).ToList();

        events.Count.ShouldBe(2);
        var updated = events[1].ShouldBeOfType<SecretMetadataUpdated>();
        updated.Metadata.SameAs(meta).ShouldBeTrue();
        updated.MaxVersions.ShouldBe(7);
    }

    [Fact]
    public void Write_BeyondMaxVersions_DestroysOldestWithReasonMaxVersions()
    {
        var secret = WithVersions(2, maxVersions: 2);

        var events = SecretDecisions.Write(secret, PathId, 3, SecretType.String, Value(3), null, null, Alice, At(3)).ToList();

        events.Count.ShouldBe(2);
        events[0].ShouldBeOfType<SecretVersionWritten>().Version.ShouldBe(3);
        var destroyed = events[1].ShouldBeOfType<SecretVersionsDestroyed>();
        destroyed.Path.ShouldBe(PathId);
        destroyed.Versions.ShouldBe([1]);
        destroyed.Reason.ShouldBe(DestroyReasons.MaxVersions);
        destroyed.DestroyedBy.ShouldBe(Alice);
        destroyed.DestroyedAt.ShouldBe(At(3));
    }

    [Fact]
    public void Write_AtMaxVersionsAfterWrite_DestroysNothing()
    {
        var secret = WithVersions(1, maxVersions: 2);

        var events = SecretDecisions.Write(secret, PathId, 2, SecretType.String, Value(2), null, null, Alice, At(2)).ToList();

        events.Count.ShouldBe(1);
        events.OfType<SecretVersionsDestroyed>().ShouldBeEmpty();
    }

    [Fact]
    public void Write_LoweringMaxVersions_EmitsMetadataUpdatedThenDestroysAllOldestBeyond()
    {
        var secret = WithVersions(4);

        var events = SecretDecisions.Write(secret, PathId, 5, SecretType.String, Value(5), null, 2, Alice, At(5)).ToList();

        events.Count.ShouldBe(3);
        events[0].ShouldBeOfType<SecretVersionWritten>().Version.ShouldBe(5);
        events[1].ShouldBeOfType<SecretMetadataUpdated>().MaxVersions.ShouldBe(2);
        events[2].ShouldBeOfType<SecretVersionsDestroyed>().Versions.ShouldBe([1, 2, 3]);
    }

    [Fact]
    public void Write_MaxVersionsZero_KeepsEveryVersion()
    {
        var secret = WithVersions(40);

        var events = SecretDecisions.Write(secret, PathId, 41, SecretType.String, Value(41), null, null, Alice, At(41)).ToList();

        events.Count.ShouldBe(1);
    }

    [Fact]
    public void Write_BeyondMaxVersionsWithSoftDeletedVersions_CountsThemAsLive()
    {
        var secret = WithVersions(2, maxVersions: 2);
        secret = ApplyAll(secret, Ok(SecretDecisions.SoftDelete(secret, [2], Alice, At(10))));

        var events = SecretDecisions.Write(secret, PathId, 3, SecretType.String, Value(3), null, null, Alice, At(11)).ToList();

        events.OfType<SecretVersionsDestroyed>().Single().Versions.ShouldBe([1]);
    }

    [Fact]
    public void Write_BeyondMaxVersionsWithDestroyedVersions_SkipsAlreadyDestroyed()
    {
        var secret = WithVersions(3, maxVersions: 3);
        secret = ApplyAll(secret, Ok(SecretDecisions.Destroy(secret, [2], Alice, At(10))));

        // Live is {1, 3}; writing 4 makes three, within the limit.
        var events = SecretDecisions.Write(secret, PathId, 4, SecretType.String, Value(4), null, null, Alice, At(11)).ToList();
        events.OfType<SecretVersionsDestroyed>().ShouldBeEmpty();

        secret = ApplyAll(secret, events);
        events = SecretDecisions.Write(secret, PathId, 5, SecretType.String, Value(5), null, null, Alice, At(12)).ToList();
        events.OfType<SecretVersionsDestroyed>().Single().Versions.ShouldBe([1]);
    }

    [Fact]
    public void Write_AfterMaxVersionsPrune_StateHoldsOnlyNewest()
    {
        var secret = WithVersions(2, maxVersions: 2);

        var state = WriteVersion(secret, cas: 2, minute: 3);

        state.LastVersion.ShouldBe(3);
        state.Live.ToArray().ShouldBe([2, 3]);
        States(state, 3).ShouldBe([VersionState.Destroyed, VersionState.Active, VersionState.Active]);
        ShouldHold(state.CurrentValue, 3);
    }

    [Fact]
    public void Write_AfterSecretDeleted_TreatsOldMetadataAsEmpty()
    {
        var secret = WriteVersion(null, metadata: Meta("db", "pci"), maxVersions: 5);
        var deleted = ApplyAll(secret, Ok(SecretDecisions.DeleteSecret(secret, Alice, At(10))));

        var events = SecretDecisions.Write(deleted, PathId, 2, SecretType.String, Value(2), null, null, Alice, At(11)).ToList();

        events.Count.ShouldBe(1);
        events[0].ShouldBeOfType<SecretVersionWritten>().Version.ShouldBe(2);
    }

    [Fact]
    public void Write_AfterSecretDeletedWithMaxVersionsOne_DestroysNothing()
    {
        var secret = WithVersions(3);
        var deleted = ApplyAll(secret, Ok(SecretDecisions.DeleteSecret(secret, Alice, At(10))));

        // The old versions are gone already; only the new one counts.
        var events = SecretDecisions.Write(deleted, PathId, 4, SecretType.String, Value(4), null, 1, Alice, At(11)).ToList();

        events.Count.ShouldBe(2);
        events[1].ShouldBeOfType<SecretMetadataUpdated>().MaxVersions.ShouldBe(1);
    }

    [Fact]
    public void Write_AfterSecretDeletedWithCasZero_RecreatesWithContinuedVersion()
    {
        var secret = WriteVersion(null, metadata: Meta("db", "pci"), maxVersions: 5, minute: 1);
        secret = WriteVersion(secret, minute: 2);
        var deleted = ApplyAll(secret, Ok(SecretDecisions.DeleteSecret(secret, Alice, At(10))));

        var state = WriteVersion(deleted, cas: 0, minute: 20);

        state.Exists.ShouldBeTrue();
        state.LastVersion.ShouldBe(3);
        state.Live.ToArray().ShouldBe([3]);
        state.SoftDeleted.ShouldBeEmpty();
        States(state, 3).ShouldBe([VersionState.Destroyed, VersionState.Destroyed, VersionState.Active]);
        ShouldHold(state.CurrentValue, 3);
        state.Metadata.SameAs(SecretMetadata.Empty).ShouldBeTrue();
        state.MaxVersions.ShouldBe(0);
        state.CreatedAt.ShouldBe(At(20));
        state.UpdatedAt.ShouldBe(At(20));
    }

    // ---- UpdateMetadata ---------------------------------------------------------------------------

    [Fact]
    public void UpdateMetadata_NoSecret_FailsNotFound()
    {
        var error = Refused(SecretDecisions.UpdateMetadata(null, Meta("x"), 0, Alice, At(1)));
        error.Code.ShouldBe(SecretErrorCodes.NotFound);
        error.Message.ShouldBe("No secret exists at this path.");
    }

    [Fact]
    public void UpdateMetadata_DeletedSecret_FailsNotFoundSayingDeleted()
    {
        var secret = WithVersions(1);
        var deleted = ApplyAll(secret, Ok(SecretDecisions.DeleteSecret(secret, Alice, At(10))));

        var error = Refused(SecretDecisions.UpdateMetadata(deleted, Meta("x"), 0, Alice, At(11)));

        error.Code.ShouldBe(SecretErrorCodes.NotFound);
        error.Message.ShouldContain("was deleted");
    }

    [Fact]
    public void UpdateMetadata_Changed_EmitsMetadataUpdatedAndStateFollows()
    {
        var secret = WithVersions(1);
        var meta = Meta("db", "pci");

        var events = Ok(SecretDecisions.UpdateMetadata(secret, meta, 3, Alice, At(5)));

        events.Count.ShouldBe(1);
        var updated = events[0].ShouldBeOfType<SecretMetadataUpdated>();
        updated.Path.ShouldBe(PathId);
        updated.Metadata.ShouldBeSameAs(meta);
        updated.MaxVersions.ShouldBe(3);
        updated.UpdatedAt.ShouldBe(At(5));

        var state = ApplyAll(secret, events);
        state.Metadata.ShouldBeSameAs(meta);
        state.MaxVersions.ShouldBe(3);
        state.UpdatedAt.ShouldBe(At(5));
        state.Live.ToArray().ShouldBe([1]);
    }

    [Fact]
    public void UpdateMetadata_Unchanged_EmitsNothing()
    {
        var secret = WriteVersion(null, metadata: Meta("db", "pci"), maxVersions: 3);

        Ok(SecretDecisions.UpdateMetadata(secret, Meta("db", "pci"), 3, Alice, At(5))).ShouldBeEmpty();
    }

    [Fact]
    public void UpdateMetadata_RepeatedAfterApply_EmitsNothing()
    {
        var secret = WithVersions(1);
        var state = ApplyAll(secret, Ok(SecretDecisions.UpdateMetadata(secret, Meta("db"), 2, Alice, At(5))));

        Ok(SecretDecisions.UpdateMetadata(state, Meta("db"), 2, Alice, At(6))).ShouldBeEmpty();
    }

    [Fact]
    public void UpdateMetadata_MaxVersionsOnlyChanged_EmitsMetadataUpdated()
    {
        var secret = WriteVersion(null, metadata: Meta("db"), maxVersions: 3);

        var events = Ok(SecretDecisions.UpdateMetadata(secret, Meta("db"), 4, Alice, At(5)));

        events.Single().ShouldBeOfType<SecretMetadataUpdated>().MaxVersions.ShouldBe(4);
    }

    [Fact]
    public void UpdateMetadata_ClearingToEmpty_EmitsMetadataUpdated()
    {
        var secret = WriteVersion(null, metadata: Meta("db", "pci"));

        var events = Ok(SecretDecisions.UpdateMetadata(secret, SecretMetadata.Empty, 0, Alice, At(5)));

        events.Single().ShouldBeOfType<SecretMetadataUpdated>().Metadata.ShouldBeSameAs(SecretMetadata.Empty);
    }

    [Fact]
    public void UpdateMetadata_LoweringMaxVersions_DestroysOldestWithReasonMaxVersions()
    {
        var secret = WithVersions(4);

        var events = Ok(SecretDecisions.UpdateMetadata(secret, SecretMetadata.Empty, 1, Alice, At(5)));

        events.Count.ShouldBe(2);
        events[0].ShouldBeOfType<SecretMetadataUpdated>().MaxVersions.ShouldBe(1);
        var destroyed = events[1].ShouldBeOfType<SecretVersionsDestroyed>();
        destroyed.Versions.ShouldBe([1, 2, 3]);
        destroyed.Reason.ShouldBe(DestroyReasons.MaxVersions);

        var state = ApplyAll(secret, events);
        state.Live.ToArray().ShouldBe([4]);
        States(state, 4).ShouldBe([VersionState.Destroyed, VersionState.Destroyed, VersionState.Destroyed, VersionState.Active]);
        state.CurrentValue.ShouldNotBeNull();
    }

    [Fact]
    public void UpdateMetadata_MaxVersionsZero_DestroysNothing()
    {
        var secret = WithVersions(3, maxVersions: 3);

        var events = Ok(SecretDecisions.UpdateMetadata(secret, SecretMetadata.Empty, 0, Alice, At(5)));

        events.Single().ShouldBeOfType<SecretMetadataUpdated>().MaxVersions.ShouldBe(0);
    }

    // ---- SoftDelete -------------------------------------------------------------------------------

    [Fact]
    public void SoftDelete_NoSecret_FailsNotFound()
    {
        Refused(SecretDecisions.SoftDelete(null, [], Alice, At(1))).Code.ShouldBe(SecretErrorCodes.NotFound);
    }

    [Fact]
    public void SoftDelete_NoVersions_SoftDeletesCurrent()
    {
        var secret = WithVersions(3);

        var events = Ok(SecretDecisions.SoftDelete(secret, [], Alice, At(5)));

        var deleted = events.Single().ShouldBeOfType<SecretVersionsSoftDeleted>();
        deleted.Path.ShouldBe(PathId);
        deleted.Versions.ShouldBe([3]);
        deleted.DeletedBy.ShouldBe(Alice);
        deleted.DeletedAt.ShouldBe(At(5));

        var state = ApplyAll(secret, events);
        States(state, 3).ShouldBe([VersionState.Active, VersionState.Active, VersionState.SoftDeleted]);
        state.SoftDeleted.ToArray().ShouldBe([3]);
        state.Live.ToArray().ShouldBe([1, 2, 3]);
        state.UpdatedAt.ShouldBe(At(5));
    }

    [Fact]
    public void SoftDelete_ExplicitVersions_SoftDeletesThemDistinctAndOrdered()
    {
        var secret = WithVersions(3);

        var events = Ok(SecretDecisions.SoftDelete(secret, [2, 1, 2], Alice, At(5)));

        events.Single().ShouldBeOfType<SecretVersionsSoftDeleted>().Versions.ShouldBe([1, 2]);
        States(ApplyAll(secret, events), 3).ShouldBe([VersionState.SoftDeleted, VersionState.SoftDeleted, VersionState.Active]);
    }

    [Fact]
    public void SoftDelete_Repeated_EmitsNothing()
    {
        var secret = WithVersions(2);
        var state = ApplyAll(secret, Ok(SecretDecisions.SoftDelete(secret, [1], Alice, At(5))));

        Ok(SecretDecisions.SoftDelete(state, [1], Alice, At(6))).ShouldBeEmpty();
    }

    [Fact]
    public void SoftDelete_MixOfActiveAndSoftDeleted_SoftDeletesOnlyActive()
    {
        var secret = WithVersions(3);
        var state = ApplyAll(secret, Ok(SecretDecisions.SoftDelete(secret, [1], Alice, At(5))));

        var events = Ok(SecretDecisions.SoftDelete(state, [1, 2], Alice, At(6)));

        events.Single().ShouldBeOfType<SecretVersionsSoftDeleted>().Versions.ShouldBe([2]);
    }

    [Fact]
    public void SoftDelete_DestroyedVersion_EmitsNothing()
    {
        var secret = WithVersions(2);
        var state = ApplyAll(secret, Ok(SecretDecisions.Destroy(secret, [1], Alice, At(5))));

        Ok(SecretDecisions.SoftDelete(state, [1], Alice, At(6))).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(4)]
    public void SoftDelete_UnknownVersion_FailsUnknownVersion(int version)
    {
        var error = Refused(SecretDecisions.SoftDelete(WithVersions(3), [1, version], Alice, At(5)));

        error.Code.ShouldBe(SecretErrorCodes.UnknownVersion);
        error.Message.ShouldBe($"Version {version} does not exist; the current version is 3.");
    }

    [Fact]
    public void SoftDelete_DeletedSecret_FailsNotFound()
    {
        var secret = WithVersions(2);
        var deleted = ApplyAll(secret, Ok(SecretDecisions.DeleteSecret(secret, Alice, At(5))));

        Refused(SecretDecisions.SoftDelete(deleted, [1], Alice, At(6))).Code.ShouldBe(SecretErrorCodes.NotFound);
    }

    // ---- Restore ----------------------------------------------------------------------------------

    [Fact]
    public void Restore_NoSecret_FailsNotFound()
    {
        Refused(SecretDecisions.Restore(null, [], Alice, At(1))).Code.ShouldBe(SecretErrorCodes.NotFound);
    }

    [Fact]
    public void Restore_NoVersions_RestoresCurrent()
    {
        var secret = WithVersions(2);
        secret = ApplyAll(secret, Ok(SecretDecisions.SoftDelete(secret, [1, 2], Alice, At(5))));

        var events = Ok(SecretDecisions.Restore(secret, [], Alice, At(6)));

        var restored = events.Single().ShouldBeOfType<SecretVersionsRestored>();
        restored.Path.ShouldBe(PathId);
        restored.Versions.ShouldBe([2]);
        restored.RestoredBy.ShouldBe(Alice);
        restored.RestoredAt.ShouldBe(At(6));

        var state = ApplyAll(secret, events);
        States(state, 2).ShouldBe([VersionState.SoftDeleted, VersionState.Active]);
        state.SoftDeleted.ToArray().ShouldBe([1]);
        ShouldHold(state.CurrentValue, 2);
        state.UpdatedAt.ShouldBe(At(6));
    }

    [Fact]
    public void Restore_ExplicitVersions_RestoresOnlySoftDeleted()
    {
        var secret = WithVersions(3);
        secret = ApplyAll(secret, Ok(SecretDecisions.SoftDelete(secret, [1, 3], Alice, At(5))));

        var events = Ok(SecretDecisions.Restore(secret, [3, 2, 1], Alice, At(6)));

        events.Single().ShouldBeOfType<SecretVersionsRestored>().Versions.ShouldBe([1, 3]);
        States(ApplyAll(secret, events), 3).ShouldBe([VersionState.Active, VersionState.Active, VersionState.Active]);
    }

    [Fact]
    public void Restore_ActiveVersion_EmitsNothing()
    {
        Ok(SecretDecisions.Restore(WithVersions(2), [1, 2], Alice, At(5))).ShouldBeEmpty();
    }

    [Fact]
    public void Restore_Repeated_EmitsNothing()
    {
        var secret = WithVersions(2);
        secret = ApplyAll(secret, Ok(SecretDecisions.SoftDelete(secret, [1], Alice, At(5))));
        var state = ApplyAll(secret, Ok(SecretDecisions.Restore(secret, [1], Alice, At(6))));

        Ok(SecretDecisions.Restore(state, [1], Alice, At(7))).ShouldBeEmpty();
    }

    [Fact]
    public void Restore_DestroyedVersion_FailsVersionDestroyed()
    {
        var secret = WithVersions(3);
        secret = ApplyAll(secret, Ok(SecretDecisions.SoftDelete(secret, [1, 2], Alice, At(5))));
        secret = ApplyAll(secret, Ok(SecretDecisions.Destroy(secret, [2], Alice, At(6))));

        // Version 1 could come back, but the command is refused as a whole.
        var error = Refused(SecretDecisions.Restore(secret, [1, 2], Alice, At(7)));

        error.Code.ShouldBe(SecretErrorCodes.VersionDestroyed);
        error.Message.ShouldBe("Version 2 was destroyed and cannot be restored.");
    }

    [Fact]
    public void Restore_NoVersionsWhenCurrentDestroyed_FailsVersionDestroyed()
    {
        var secret = WithVersions(2);
        secret = ApplyAll(secret, Ok(SecretDecisions.Destroy(secret, [], Alice, At(5))));

        Refused(SecretDecisions.Restore(secret, [], Alice, At(6))).Code.ShouldBe(SecretErrorCodes.VersionDestroyed);
    }

    [Fact]
    public void Restore_UnknownVersion_FailsUnknownVersion()
    {
        var error = Refused(SecretDecisions.Restore(WithVersions(2), [3, 5, 3], Alice, At(5)));

        error.Code.ShouldBe(SecretErrorCodes.UnknownVersion);
        error.Message.ShouldBe("Version 3, 5 does not exist; the current version is 2.");
    }

    [Fact]
    public void Restore_UnknownAndDestroyed_ReportsUnknownVersionFirst()
    {
        var secret = WithVersions(2);
        secret = ApplyAll(secret, Ok(SecretDecisions.Destroy(secret, [1], Alice, At(5))));

        Refused(SecretDecisions.Restore(secret, [1, 9], Alice, At(6))).Code.ShouldBe(SecretErrorCodes.UnknownVersion);
    }

    // ---- Destroy ----------------------------------------------------------------------------------

    [Fact]
    public void Destroy_NoSecret_FailsNotFound()
    {
        Refused(SecretDecisions.Destroy(null, [1], Alice, At(1))).Code.ShouldBe(SecretErrorCodes.NotFound);
    }

    [Fact]
    public void Destroy_NoVersions_DestroysCurrentAndClearsCurrentValue()
    {
        var secret = WithVersions(2);

        var events = Ok(SecretDecisions.Destroy(secret, [], Alice, At(5)));

        var destroyed = events.Single().ShouldBeOfType<SecretVersionsDestroyed>();
        destroyed.Path.ShouldBe(PathId);
        destroyed.Versions.ShouldBe([2]);
        destroyed.Reason.ShouldBe(DestroyReasons.Requested);
        destroyed.DestroyedBy.ShouldBe(Alice);
        destroyed.DestroyedAt.ShouldBe(At(5));

        var state = ApplyAll(secret, events);
        States(state, 2).ShouldBe([VersionState.Active, VersionState.Destroyed]);
        state.Live.ToArray().ShouldBe([1]);
        state.CurrentValue.ShouldBeNull();
        state.LastVersion.ShouldBe(2);
        state.Exists.ShouldBeTrue();
    }

    [Fact]
    public void Destroy_OlderVersion_KeepsCurrentValue()
    {
        var secret = WithVersions(3);

        var events = Ok(SecretDecisions.Destroy(secret, [1], Alice, At(5)));

        events.Single().ShouldBeOfType<SecretVersionsDestroyed>().Versions.ShouldBe([1]);
        var state = ApplyAll(secret, events);
        States(state, 3).ShouldBe([VersionState.Destroyed, VersionState.Active, VersionState.Active]);
        ShouldHold(state.CurrentValue, 3);
    }

    [Fact]
    public void Destroy_SoftDeletedVersion_DestroysItAndDropsItFromSoftDeleted()
    {
        var secret = WithVersions(3);
        secret = ApplyAll(secret, Ok(SecretDecisions.SoftDelete(secret, [1, 2], Alice, At(5))));

        var events = Ok(SecretDecisions.Destroy(secret, [2, 2, 1], Alice, At(6)));

        events.Single().ShouldBeOfType<SecretVersionsDestroyed>().Versions.ShouldBe([1, 2]);
        var state = ApplyAll(secret, events);
        state.SoftDeleted.ShouldBeEmpty();
        state.Live.ToArray().ShouldBe([3]);
        States(state, 3).ShouldBe([VersionState.Destroyed, VersionState.Destroyed, VersionState.Active]);
    }

    [Fact]
    public void Destroy_MixOfLiveAndDestroyed_DestroysOnlyLive()
    {
        var secret = WithVersions(3);
        secret = ApplyAll(secret, Ok(SecretDecisions.Destroy(secret, [1], Alice, At(5))));

        Ok(SecretDecisions.Destroy(secret, [1, 2], Alice, At(6)))
            .Single().ShouldBeOfType<SecretVersionsDestroyed>().Versions.ShouldBe([2]);
    }

    [Fact]
    public void Destroy_Repeated_EmitsNothing()
    {
        var secret = WithVersions(2);
        var state = ApplyAll(secret, Ok(SecretDecisions.Destroy(secret, [1], Alice, At(5))));

        Ok(SecretDecisions.Destroy(state, [1], Alice, At(6))).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Destroy_UnknownVersion_FailsUnknownVersion(int version)
    {
        var error = Refused(SecretDecisions.Destroy(WithVersions(2), [version], Alice, At(5)));

        error.Code.ShouldBe(SecretErrorCodes.UnknownVersion);
        error.Message.ShouldContain($"Version {version} does not exist");
    }

    [Fact]
    public void Destroy_DeletedSecret_FailsNotFound()
    {
        var secret = WithVersions(2);
        var deleted = ApplyAll(secret, Ok(SecretDecisions.DeleteSecret(secret, Alice, At(5))));

        Refused(SecretDecisions.Destroy(deleted, [], Alice, At(6))).Code.ShouldBe(SecretErrorCodes.NotFound);
    }

    // ---- DeleteSecret -----------------------------------------------------------------------------

    [Fact]
    public void DeleteSecret_NoSecret_FailsNotFound()
    {
        var error = Refused(SecretDecisions.DeleteSecret(null, Alice, At(1)));
        error.Code.ShouldBe(SecretErrorCodes.NotFound);
        error.Message.ShouldBe("No secret exists at this path.");
    }

    [Fact]
    public void DeleteSecret_LiveVersions_DestroysThemAllThenDeletes()
    {
        var secret = WriteVersion(null, metadata: Meta("db", "pci"), maxVersions: 10, minute: 1);
        secret = WriteVersion(secret, minute: 2);
        secret = WriteVersion(secret, minute: 3);
        secret = WriteVersion(secret, minute: 4);
        secret = ApplyAll(secret, Ok(SecretDecisions.SoftDelete(secret, [3], Alice, At(5))));
        secret = ApplyAll(secret, Ok(SecretDecisions.Destroy(secret, [2], Alice, At(6))));

        var events = Ok(SecretDecisions.DeleteSecret(secret, Alice, At(7)));

        events.Count.ShouldBe(2);
        var destroyed = events[0].ShouldBeOfType<SecretVersionsDestroyed>();
        destroyed.Path.ShouldBe(PathId);
        destroyed.Versions.ShouldBe([1, 3, 4]);
        destroyed.Reason.ShouldBe(DestroyReasons.SecretDeleted);
        destroyed.DestroyedAt.ShouldBe(At(7));
        var deleted = events[1].ShouldBeOfType<SecretDeleted>();
        deleted.Path.ShouldBe(PathId);
        deleted.DeletedBy.ShouldBe(Alice);
        deleted.DeletedAt.ShouldBe(At(7));

        var state = ApplyAll(secret, events);
        state.Exists.ShouldBeFalse();
        state.Deleted.ShouldBeTrue();
        state.LastVersion.ShouldBe(4);
        state.Live.ShouldBeEmpty();
        state.SoftDeleted.ShouldBeEmpty();
        state.CurrentValue.ShouldBeNull();
        state.Metadata.SameAs(SecretMetadata.Empty).ShouldBeTrue();
        state.MaxVersions.ShouldBe(0);
        state.UpdatedAt.ShouldBe(At(7));
        States(state, 4).ShouldAllBe(s => s == VersionState.Destroyed);
        state.StateOf(5).ShouldBe(VersionState.Unknown);
    }

    [Fact]
    public void DeleteSecret_NoLiveVersions_EmitsOnlySecretDeleted()
    {
        var secret = WithVersions(2);
        secret = ApplyAll(secret, Ok(SecretDecisions.Destroy(secret, [1, 2], Alice, At(5))));

        var events = Ok(SecretDecisions.DeleteSecret(secret, Alice, At(6)));

        events.Single().ShouldBeOfType<SecretDeleted>();
    }

    [Fact]
    public void DeleteSecret_Repeated_ChangesNothingWithoutError()
    {
        var secret = WithVersions(2);
        var deleted = ApplyAll(secret, Ok(SecretDecisions.DeleteSecret(secret, Alice, At(5))));

        var (events, error) = SecretDecisions.DeleteSecret(deleted, Alice, At(6));

        error.ShouldBeNull();
        events.ShouldBeEmpty();
    }

    [Fact]
    public void DeleteSecret_ThenRecreated_OldVersionsStayDestroyedAndCannotBeRestored()
    {
        var secret = WithVersions(2);
        secret = ApplyAll(secret, Ok(SecretDecisions.DeleteSecret(secret, Alice, At(5))));
        secret = WriteVersion(secret, cas: 0, minute: 6);

        secret.LastVersion.ShouldBe(3);
        States(secret, 3).ShouldBe([VersionState.Destroyed, VersionState.Destroyed, VersionState.Active]);
        Refused(SecretDecisions.Restore(secret, [1], Alice, At(7))).Code.ShouldBe(SecretErrorCodes.VersionDestroyed);
        Ok(SecretDecisions.Destroy(secret, [1, 2], Alice, At(7))).ShouldBeEmpty();
    }

    // ---- Aggregate evolution ----------------------------------------------------------------------

    [Fact]
    public void Create_FirstVersionWritten_HoldsThatVersionAsCurrent()
    {
        var written = new SecretVersionWritten(PathId, 1, SecretType.Binary, Value(1), Alice, At(1));

        var secret = Secret.Create(written);

        secret.Id.ShouldBe(PathId);
        secret.LastVersion.ShouldBe(1);
        secret.SecretType.ShouldBe(SecretType.Binary);
        secret.CurrentValue.ShouldBeSameAs(written.Value);
        secret.Live.ToArray().ShouldBe([1]);
        secret.SoftDeleted.ShouldBeEmpty();
        secret.Metadata.ShouldBeSameAs(SecretMetadata.Empty);
        secret.MaxVersions.ShouldBe(0);
        secret.Exists.ShouldBeTrue();
        secret.CreatedAt.ShouldBe(At(1));
        secret.UpdatedAt.ShouldBe(At(1));
        secret.VersionWrittenBy.ShouldBe(Alice);
        secret.VersionWrittenAt.ShouldBe(At(1));
        secret.StateOf(0).ShouldBe(VersionState.Unknown);
        secret.StateOf(1).ShouldBe(VersionState.Active);
        secret.StateOf(2).ShouldBe(VersionState.Unknown);
    }

    [Fact]
    public void Apply_VersionWritten_AddsLiveAndReplacesCurrentKeepingCreatedAt()
    {
        var secret = Secret.Create(new SecretVersionWritten(PathId, 1, SecretType.String, Value(1), Alice, At(1)));
        var second = new SecretVersionWritten(PathId, 2, SecretType.Json, Value(2), "bob", At(2));

        var state = secret.Apply(second);

        state.LastVersion.ShouldBe(2);
        state.SecretType.ShouldBe(SecretType.Json);
        state.CurrentValue.ShouldBeSameAs(second.Value);
        state.Live.ToArray().ShouldBe([1, 2]);
        state.SoftDeleted.ShouldBeEmpty();
        state.CreatedAt.ShouldBe(At(1));
        state.UpdatedAt.ShouldBe(At(2));
        state.VersionWrittenBy.ShouldBe("bob");
        state.VersionWrittenAt.ShouldBe(At(2));
    }

    [Fact]
    public void Apply_MetadataUpdated_ReplacesMetadataAndMaxOnly()
    {
        var secret = WithVersions(2);
        var meta = Meta("db", "pci");

        var state = secret.Apply(new SecretMetadataUpdated(PathId, meta, 4, "bob", At(9)));

        state.Metadata.ShouldBeSameAs(meta);
        state.MaxVersions.ShouldBe(4);
        state.UpdatedAt.ShouldBe(At(9));
        state.Live.ToArray().ShouldBe([1, 2]);
        state.CurrentValue.ShouldBeSameAs(secret.CurrentValue);
        state.VersionWrittenAt.ShouldBe(secret.VersionWrittenAt);
    }

    [Fact]
    public void Apply_SoftDeleted_AddsToSoftDeletedAndKeepsLiveAndCurrentValue()
    {
        var secret = WithVersions(3);

        var state = secret.Apply(new SecretVersionsSoftDeleted(PathId, [3, 1], Alice, At(9)));

        state.SoftDeleted.ToArray().ShouldBe([1, 3]);
        state.Live.ToArray().ShouldBe([1, 2, 3]);
        // The current version's ciphertext stays: a soft delete can be undone. Readers check StateOf.
        state.CurrentValue.ShouldBeSameAs(secret.CurrentValue);
        state.UpdatedAt.ShouldBe(At(9));
    }

    [Fact]
    public void Apply_Restored_RemovesFromSoftDeleted()
    {
        var secret = WithVersions(3).Apply(new SecretVersionsSoftDeleted(PathId, [1, 2, 3], Alice, At(9)));

        var state = secret.Apply(new SecretVersionsRestored(PathId, [1, 3], Alice, At(10)));

        state.SoftDeleted.ToArray().ShouldBe([2]);
        state.Live.ToArray().ShouldBe([1, 2, 3]);
        state.CurrentValue.ShouldBeSameAs(secret.CurrentValue);
        state.UpdatedAt.ShouldBe(At(10));
    }

    [Fact]
    public void Apply_DestroyedOlder_RemovesFromLiveAndSoftDeletedKeepingCurrentValue()
    {
        var secret = WithVersions(3).Apply(new SecretVersionsSoftDeleted(PathId, [1], Alice, At(9)));

        var state = secret.Apply(new SecretVersionsDestroyed(PathId, [1, 2], DestroyReasons.Requested, Alice, At(10)));

        state.Live.ToArray().ShouldBe([3]);
        state.SoftDeleted.ShouldBeEmpty();
        state.CurrentValue.ShouldBeSameAs(secret.CurrentValue);
        state.LastVersion.ShouldBe(3);
        state.UpdatedAt.ShouldBe(At(10));
    }

    [Fact]
    public void Apply_DestroyedCurrent_ClearsCurrentValue()
    {
        var secret = WithVersions(3);

        var state = secret.Apply(new SecretVersionsDestroyed(PathId, [3], DestroyReasons.Requested, Alice, At(10)));

        state.CurrentValue.ShouldBeNull();
        state.Live.ToArray().ShouldBe([1, 2]);
        state.LastVersion.ShouldBe(3);
    }

    [Fact]
    public void Apply_SecretDeleted_ClearsEverythingButLastVersionAndCreatedAt()
    {
        var secret = WriteVersion(null, metadata: Meta("db"), maxVersions: 5, minute: 1);
        secret = WriteVersion(secret, minute: 2).Apply(new SecretVersionsSoftDeleted(PathId, [1], Alice, At(3)));

        var state = secret.Apply(new SecretDeleted(PathId, Alice, At(4)));

        state.Deleted.ShouldBeTrue();
        state.Exists.ShouldBeFalse();
        state.CurrentValue.ShouldBeNull();
        state.Live.ShouldBeEmpty();
        state.SoftDeleted.ShouldBeEmpty();
        state.Metadata.ShouldBeSameAs(SecretMetadata.Empty);
        state.MaxVersions.ShouldBe(0);
        state.LastVersion.ShouldBe(2);
        state.CreatedAt.ShouldBe(At(1));
        state.UpdatedAt.ShouldBe(At(4));
    }

    [Fact]
    public void Apply_VersionWrittenAfterDeleted_RecreatesWithNewCreatedAt()
    {
        var secret = WithVersions(2).Apply(new SecretDeleted(PathId, Alice, At(4)));
        var written = new SecretVersionWritten(PathId, 3, SecretType.String, Value(3), "bob", At(5));

        var state = secret.Apply(written);

        state.Exists.ShouldBeTrue();
        state.LastVersion.ShouldBe(3);
        state.Live.ToArray().ShouldBe([3]);
        state.CurrentValue.ShouldBeSameAs(written.Value);
        state.CreatedAt.ShouldBe(At(5));
        state.UpdatedAt.ShouldBe(At(5));
    }

    [Fact]
    public void Apply_FullLifecycle_StateOfFollowsEachEvent()
    {
        var secret = WithVersions(3);
        States(secret, 3).ShouldBe([VersionState.Active, VersionState.Active, VersionState.Active]);

        secret = ApplyAll(secret, Ok(SecretDecisions.SoftDelete(secret, [2], Alice, At(10))));
        States(secret, 3).ShouldBe([VersionState.Active, VersionState.SoftDeleted, VersionState.Active]);

        secret = ApplyAll(secret, Ok(SecretDecisions.Restore(secret, [2], Alice, At(11))));
        States(secret, 3).ShouldBe([VersionState.Active, VersionState.Active, VersionState.Active]);

        secret = ApplyAll(secret, Ok(SecretDecisions.Destroy(secret, [2], Alice, At(12))));
        States(secret, 3).ShouldBe([VersionState.Active, VersionState.Destroyed, VersionState.Active]);

        secret = ApplyAll(secret, Ok(SecretDecisions.UpdateMetadata(secret, Meta("db"), 1, Alice, At(13))));
        States(secret, 3).ShouldBe([VersionState.Destroyed, VersionState.Destroyed, VersionState.Active]);
        ShouldHold(secret.CurrentValue, 3);

        secret = WriteVersion(secret, cas: 3, minute: 14);
        States(secret, 4).ShouldBe([VersionState.Destroyed, VersionState.Destroyed, VersionState.Destroyed, VersionState.Active]);
        secret.Live.ToArray().ShouldBe([4]);
        secret.MaxVersions.ShouldBe(1);

        secret = ApplyAll(secret, Ok(SecretDecisions.DeleteSecret(secret, Alice, At(15))));
        States(secret, 4).ShouldAllBe(s => s == VersionState.Destroyed);
        secret.Exists.ShouldBeFalse();
    }

    private static void ShouldHold(SealedValue? current, int version)
    {
        var value = current.ShouldNotBeNull();
        value.Nonce.ShouldBe(Value(version).Nonce);
        value.Ciphertext.ShouldBe(Value(version).Ciphertext);
        value.Tag.ShouldBe(Value(version).Tag);
    }
}
