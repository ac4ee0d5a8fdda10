using System.Text;
using ScaiVault.Domain.Secrets;
using ScaiVault.Federation.Azure;

namespace ScaiVault.Federation.Tests.Azure;

/// <summary>The adapter, with the real SecretClient and ClientSecretCredential, against the fake vault over HTTPS.</summary>
public sealed class AzureKeyVaultBackendTests : IAsyncLifetime
{
    private AzureHarness _h = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _h = await AzureHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Lists_every_secret_over_several_pages_with_folders_decoded_and_the_prefix_applied()
    {
        _h.Fake.PageSize = 4;
        for (var i = 0; i < 9; i++) _h.Fake.Seed($"apps--billing--key{i}", $"v{i}");
        _h.Fake.Seed("apps--web--token", "t");
        _h.Fake.Seed("standalone", "s");
        using var backend = _h.Backend();

        var all = await backend.ListAsync("", Ct).ToListAsync(Ct);
        var billing = await backend.ListAsync("apps/billing/", Ct).ToListAsync(Ct);

        all.Count.ShouldBe(11);
        all.ShouldContain(r => r.Name == "apps/web/token");
        all.ShouldContain(r => r.Name == "standalone");
        billing.Select(r => r.Name).ShouldBe(Enumerable.Range(0, 9).Select(i => $"apps/billing/key{i}"), ignoreOrder: true);
        billing.ShouldAllBe(r => !string.IsNullOrEmpty(r.ChangeMarker));
        _h.Fake.Unmatched.ShouldBeEmpty();
        // 11 names at 4 a page = 3 pages per listing, each an authenticated vault request.
        (_h.Fake.Count("vault") - _h.Fake.Count("challenge")).ShouldBe(6);
    }

    [Fact]
    public async Task The_change_marker_moves_when_a_secret_gets_a_new_version_or_new_tags()
    {
        _h.Fake.Seed("db", "one", created: DateTimeOffset.UtcNow.AddMinutes(-5));
        using var backend = _h.Backend();
        var before = (await backend.ListAsync("", Ct).SingleAsync(Ct)).ChangeMarker;

        _h.Fake.Seed("db", "two", tags: new Dictionary<string, string> { ["env"] = "prod" });
        var after = (await backend.ListAsync("", Ct).SingleAsync(Ct)).ChangeMarker;

        after.ShouldNotBe(before);
    }

    [Fact]
    public async Task Reads_the_current_version_with_tags_expiry_and_the_value_shaped_by_content_type()
    {
        var expires = DateTimeOffset.UtcNow.AddDays(30);
        _h.Fake.Seed("apps--db", "old");
        var current = _h.Fake.Seed("apps--db", "{\"user\":\"app\",\"password\":\"p\"}", contentType: "application/json",
            tags: new Dictionary<string, string> { ["owner"] = "team-billing", ["env"] = "prod" }, expires: expires);
        _h.Fake.Seed("plain", "hunter2", contentType: "text/plain");
        _h.Fake.Seed("untyped-json", "{\"a\":1}");
        _h.Fake.Seed("json-array-text", "[1,2]");
        using var backend = _h.Backend();

        var db = await backend.ReadAsync("apps/db", Ct);
        var plain = await backend.ReadAsync("plain", Ct);
        var untyped = await backend.ReadAsync("untyped-json", Ct);
        var array = await backend.ReadAsync("json-array-text", Ct);

        db.ShouldNotBeNull();
        db.Name.ShouldBe("apps/db");
        db.RemoteVersion.ShouldBe(current);
        db.Value!.SecretType.ShouldBe(SecretType.Json);
        db.Text().ShouldBe("{\"user\":\"app\",\"password\":\"p\"}");
        db.Tags.ShouldBe(["env=prod", "owner=team-billing"]);
        db.State.ShouldBe(RemoteVersionState.Active);
        db.ExpiresAt!.Value.ToUnixTimeSeconds().ShouldBe(expires.ToUnixTimeSeconds());
        plain!.Value!.SecretType.ShouldBe(SecretType.String);
        plain.Text().ShouldBe("hunter2");
        untyped!.Value!.SecretType.ShouldBe(SecretType.Json);
        array!.Value!.SecretType.ShouldBe(SecretType.String);
        _h.Fake.Unmatched.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_missing_secret_or_a_name_Azure_cannot_hold_reads_as_nothing()
    {
        using var backend = _h.Backend();

        (await backend.ReadAsync("does/not/exist", Ct)).ShouldBeNull();
        (await backend.ReadAsync("naïve", Ct)).ShouldBeNull();
        (await backend.ReadVersionsAsync("does-not-exist", Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Reads_every_version_oldest_first_with_disabled_ones_without_a_value()
    {
        var t0 = DateTimeOffset.UtcNow.AddHours(-3);
        var v1 = _h.Fake.Seed("rotating", "first", created: t0);
        var v2 = _h.Fake.Seed("rotating", "second", created: t0.AddHours(1));
        var v3 = _h.Fake.Seed("rotating", "third", created: t0.AddHours(2));
        _h.Fake.SetEnabled("rotating", v2, false);
        using var backend = _h.Backend();

        var versions = await backend.ReadVersionsAsync("rotating", Ct);

        versions.Select(v => v.RemoteVersion).ShouldBe([v1, v2, v3]);
        versions[0].Text().ShouldBe("first");
        versions[1].State.ShouldBe(RemoteVersionState.Disabled);
        versions[1].Value.ShouldBeNull();
        versions[2].Text().ShouldBe("third");
    }

    [Fact]
    public async Task Versions_written_in_the_same_second_end_with_the_current_one()
    {
        // Version ids are random, so with equal creation times half of these pairs would sort the wrong way round.
        var t = DateTimeOffset.UtcNow.AddMinutes(-5);
        for (var i = 0; i < 8; i++)
        {
            _h.Fake.Seed($"same-second-{i}", "older", created: t);
            _h.Fake.Seed($"same-second-{i}", "current", created: t);
        }
        using var backend = _h.Backend();

        for (var i = 0; i < 8; i++)
        {
            var versions = await backend.ReadVersionsAsync($"same-second-{i}", Ct);
            versions.Select(v => v.Text()).ShouldBe(["older", "current"]);
        }
    }

    [Fact]
    public async Task A_disabled_current_version_reads_as_disabled_without_a_value()
    {
        _h.Fake.Seed("paused", "one", created: DateTimeOffset.UtcNow.AddHours(-1));
        var current = _h.Fake.Seed("paused", "two");
        _h.Fake.SetEnabled("paused", current, false);
        using var backend = _h.Backend();

        var read = await backend.ReadAsync("paused", Ct);

        read.ShouldNotBeNull();
        read.RemoteVersion.ShouldBe(current);
        read.State.ShouldBe(RemoteVersionState.Disabled);
        read.Value.ShouldBeNull();
    }

    [Fact]
    public async Task Writes_create_a_new_version_and_read_back_with_the_same_shape()
    {
        using var backend = _h.Backend();

        var v1 = await backend.WriteAsync("apps/api/key", RemoteValues.Str("s3cr3t-ünïcode-✓"), Ct);
        var v2 = await backend.WriteAsync("apps/api/key", RemoteValues.Json("{\"k\":\"v\"}"), Ct);

        v1.ShouldNotBe(v2);
        v2.Length.ShouldBe(32);
        var stored = _h.Fake.Versions("apps--api--key");
        stored.Select(v => v.Id).ShouldBe([v1, v2]);
        stored[0].ContentType.ShouldBe(AzureValues.StringContentType);
        stored[1].ContentType.ShouldBe(AzureValues.JsonContentType);
        var read = await backend.ReadAsync("apps/api/key", Ct);
        read!.RemoteVersion.ShouldBe(v2);
        read.Value!.SecretType.ShouldBe(SecretType.Json);
        // Both versions were created within the same second, so only their set is certain (Azure keeps seconds).
        (await backend.ReadVersionsAsync("apps/api/key", Ct)).Select(v => v.Text())
            .ShouldBe(["s3cr3t-ünïcode-✓", "{\"k\":\"v\"}"], ignoreOrder: true);
    }

    [Fact]
    public async Task Binary_values_round_trip_as_base64_with_an_octet_stream_content_type()
    {
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        using var backend = _h.Backend();

        await backend.WriteAsync("blobs/keystore", new RemoteSecretValue(SecretType.Binary, bytes), Ct);
        var read = await backend.ReadAsync("blobs/keystore", Ct);

        _h.Fake.Versions("blobs--keystore")[0].Value.ShouldBe(Convert.ToBase64String(bytes));
        read!.Value!.SecretType.ShouldBe(SecretType.Binary);
        read.Value.Bytes.ShouldBe(bytes);
    }

    [Fact]
    public async Task A_name_Azure_cannot_hold_is_refused_before_any_request_with_the_reason()
    {
        using var backend = _h.Backend();

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.WriteAsync("apps/db_password", RemoteValues.Str("x"), Ct));

        e.Failure.ShouldBe(BackendFailure.NameNotRepresentable);
        e.Message.ShouldContain("'_'");
        _h.Fake.Count("vault").ShouldBe(0);
    }

    [Fact]
    public async Task Writing_over_a_soft_deleted_secret_fails_with_Azures_conflict_code()
    {
        _h.Fake.Seed("retired", "old");
        _h.Fake.SoftDelete("retired");
        using var backend = _h.Backend();

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.WriteAsync("retired", RemoteValues.Str("new"), Ct));

        e.Failure.ShouldBe(BackendFailure.BadResponse);
        e.Message.ShouldContain("409 Conflict");
        (await backend.ReadAsync("retired", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task The_endpoint_override_wins_over_vault_url()
    {
        _h.Fake.Seed("via-endpoint", "yes");
        var config = _h.Config();
        config["vault_url"] = "https://contoso-kv.vault.azure.net/";
        config["endpoint"] = _h.Fake.BaseAddress.ToString();
        using var backend = _h.Backend(config);

        (await backend.ReadAsync("via-endpoint", Ct))!.Text().ShouldBe("yes");
    }

    [Fact]
    public async Task A_string_value_that_is_not_UTF8_is_refused_before_any_request()
    {
        using var backend = _h.Backend();

        var e = await Should.ThrowAsync<FederationBackendException>(
            () => backend.WriteAsync("bad-text", new RemoteSecretValue(SecretType.String, [0xff, 0xfe, 0x00]), Ct));

        e.Message.ShouldContain("binary");
        _h.Fake.Count("vault").ShouldBe(0);
    }

    [Fact]
    public async Task Throttling_is_retried_and_recovers_and_every_attempt_is_counted()
    {
        _h.Fake.Seed("busy", "value");
        using var backend = _h.Backend();
        (await backend.ReadAsync("busy", Ct)).ShouldNotBeNull();     // challenge and token out of the way
        var callsBefore = backend.OutboundCalls;

        _h.Fake.ThrottleNext(2);
        var read = await backend.ReadAsync("busy", Ct);

        read!.Text().ShouldBe("value");
        _h.Fake.Count("throttled").ShouldBe(2);
        (backend.OutboundCalls - callsBefore).ShouldBe(3);
    }

    [Fact]
    public async Task Throttling_beyond_the_retries_fails_as_throttled()
    {
        _h.Fake.Seed("busy", "value");
        using var backend = _h.Backend();

        _h.Fake.ThrottleNext(100);
        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("busy", Ct));

        e.Failure.ShouldBe(BackendFailure.Throttled);
        _h.Fake.Count("throttled").ShouldBe(4);     // the first try and max_retries = 3
    }

    [Fact]
    public async Task An_outage_answering_503_fails_as_unavailable_and_recovers_when_it_ends()
    {
        _h.Fake.Seed("svc", "value");
        using var backend = _h.Backend();
        (await backend.ReadAsync("svc", Ct)).ShouldNotBeNull();

        _h.Fake.Outage = true;
        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("svc", Ct));
        _h.Fake.Outage = false;

        e.Failure.ShouldBe(BackendFailure.Unavailable);
        e.Message.ShouldContain("503");
        (await backend.ReadAsync("svc", Ct))!.Text().ShouldBe("value");
    }

    [Fact]
    public async Task A_vault_that_is_gone_fails_as_unavailable()
    {
        var config = _h.Config();
        using var backend = _h.Backend(config);
        (await backend.ListAsync("", Ct).ToListAsync(Ct)).ShouldBeEmpty();

        await _h.Fake.DisposeAsync();
        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("anything", Ct));

        e.Failure.ShouldBe(BackendFailure.Unavailable);
    }

    [Fact]
    public async Task A_vault_slower_than_the_timeout_fails_as_timeout()
    {
        _h.Fake.Seed("slow", "value");
        _h.Fake.Latency = TimeSpan.FromSeconds(30);
        var config = _h.Config();
        config["timeout_ms"] = 300;
        config["max_retries"] = 1;
        using var backend = _h.Backend(config);

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("slow", Ct));

        e.Failure.ShouldBe(BackendFailure.Timeout);
        // The first try and one retry, each cut off by the timeout; on a loaded machine the bearer challenge and
        // token request may land before the cut as well. Never more: the retries are bounded.
        backend.OutboundCalls.ShouldBeInRange(2L, 4L);
    }

    [Fact]
    public async Task Check_is_one_authenticated_round_trip_and_calls_are_counted_including_challenge_and_token()
    {
        using var backend = _h.Backend();

        await backend.CheckAsync(Ct);

        // The token request and the list request, plus the unauthenticated first request answered by the
        // challenge (unless the SDK's process-wide challenge cache already knew this host:port).
        _h.Fake.Count("token").ShouldBe(1);
        (_h.Fake.Count("vault") - _h.Fake.Count("challenge")).ShouldBe(1);
        backend.OutboundCalls.ShouldBe(_h.Fake.Count("vault") + _h.Fake.Count("token"));
        backend.Type.ShouldBe("azure-key-vault");
    }

    [Fact]
    public async Task Failure_messages_hold_no_client_secret_token_or_value()
    {
        const string value = "value-that-must-never-leak-42";
        _h.Fake.Seed("leaky", value);
        using var backend = _h.Backend();
        (await backend.ReadAsync("leaky", Ct))!.Text().ShouldBe(value);

        var failures = new List<Exception>();
        _h.Fake.ThrottleNext(100);
        failures.Add(await Should.ThrowAsync<FederationBackendException>(() => backend.WriteAsync("leaky", RemoteValues.Str(value), Ct)));
        _h.Fake.ThrottleNext(0);
        _h.Fake.Outage = true;
        failures.Add(await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("leaky", Ct)));
        _h.Fake.Outage = false;
        _h.Credentials.Add(AzureHarness.CredentialsPath,
            new { tenant_id = _h.Fake.TenantId, client_id = AzureHarness.ClientId, client_secret = "wrong-" + AzureHarness.ClientSecret });
        using var refused = _h.Backend();
        failures.Add(await Should.ThrowAsync<FederationBackendException>(() => refused.ReadAsync("leaky", Ct)));

        foreach (var failure in failures)
        {
            var text = failure.ToString();
            text.ShouldNotContain(value);
            text.ShouldNotContain(AzureHarness.ClientSecret);
            foreach (var token in _h.Fake.IssuedTokens) text.ShouldNotContain(token);
        }
    }
}
