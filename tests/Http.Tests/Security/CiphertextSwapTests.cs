using System.Text.Json.Nodes;
using Alba;
using Npgsql;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Security;

/// <summary>
/// Someone with write access to the database moves ciphertexts or wrapped keys between rows. A read of a
/// tampered secret must fail authentication (500 decryption_failed) and never decrypt as the other secret:
/// the associated data binds every ciphertext and wrapped key to its tenant, path and version.
/// </summary>
public sealed class CiphertextSwapTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string SecretTable = "mt_doc_secret";
    private const string KeyRingTable = "mt_doc_secretkeyring";
    private const string ValueA = "swap-value-of-alpha-5a1f0c";
    private const string ValueB = "swap-value-of-bravo-9e44d2";

    private async Task WriteBoth()
    {
        Assert.Equal(1, await Host.PutSecret("swap/alpha", new { password = ValueA }));
        Assert.Equal(1, await Host.PutSecret("swap/bravo", new { password = ValueB }));
    }

    [Fact]
    public async Task Read_SealedValuesSwappedBetweenSecrets_Is500DecryptionFailedWithoutEitherValue()
    {
        await WriteBoth();

        await SwapDocumentProperty(SecretTable, "swap/alpha", "swap/bravo", "CurrentValue");

        await AssertDecryptionFails("/v1/secrets/swap/alpha");
        await AssertDecryptionFails("/v1/secrets/swap/bravo");
    }

    [Fact]
    public async Task Read_WrappedKeysSwappedBetweenKeyRings_Is500DecryptionFailedWithoutEitherValue()
    {
        await WriteBoth();

        await SwapDocumentProperty(KeyRingTable, "swap/alpha", "swap/bravo", "Keys");

        await AssertDecryptionFails("/v1/secrets/swap/alpha");
        await AssertDecryptionFails("/v1/secrets/swap/bravo");
    }

    [Fact]
    public async Task Read_CiphertextAndKeyTransplantedTogether_Is500DecryptionFailedNotTheOtherSecret()
    {
        // Moving a whole matching pair (ciphertext + its wrapped key) is the attack only the associated data
        // stops: each half is authentic, just bound to another path.
        await WriteBoth();

        await SwapDocumentProperty(SecretTable, "swap/alpha", "swap/bravo", "CurrentValue");
        await SwapDocumentProperty(KeyRingTable, "swap/alpha", "swap/bravo", "Keys");

        await AssertDecryptionFails("/v1/secrets/swap/alpha");
        await AssertDecryptionFails("/v1/secrets/swap/bravo");
    }

    [Fact]
    public async Task Read_CiphertextOneBitFlipped_Is500DecryptionFailed()
    {
        await WriteBoth();

        await using (var connection = await Database.OpenAsync())
        {
            var doc = await Database.ReadDocumentAsync(connection, Fixture.Schema, SecretTable, "swap/alpha");
            var sealedValue = doc[Database.PropertyName(doc, "CurrentValue")]!.AsObject();
            var ciphertextName = Database.PropertyName(sealedValue, "Ciphertext");
            var bytes = Convert.FromBase64String(sealedValue[ciphertextName]!.GetValue<string>());
            bytes[0] ^= 0x01;
            sealedValue[ciphertextName] = Convert.ToBase64String(bytes);
            await Database.WriteDocumentAsync(connection, Fixture.Schema, SecretTable, "swap/alpha", doc);
        }

        await AssertDecryptionFails("/v1/secrets/swap/alpha");
        // the untouched secret still reads: the failure is about the tampered row only
        var bravo = await (await Host.Scenario(s => s.AsRoot().Get.Url("/v1/secrets/swap/bravo"))).Json();
        Assert.Equal(ValueB, bravo["data"]!["password"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReadOlderVersion_SealedValuesSwappedInTheEventLog_Is500DecryptionFailed()
    {
        // An older version is opened from its event, not from the projected document: tamper with the log itself.
        await WriteBoth();
        Assert.Equal(2, await Host.PutSecret("swap/alpha", new { password = "alpha-v2" }));
        Assert.Equal(2, await Host.PutSecret("swap/bravo", new { password = "bravo-v2" }));

        await using (var connection = await Database.OpenAsync())
        {
            var alpha = await ReadWrittenEvent(connection, "swap/alpha", version: 1);
            var bravo = await ReadWrittenEvent(connection, "swap/bravo", version: 1);
            var valueName = Database.PropertyName(alpha.Data, "Value");
            var alphaValue = alpha.Data[valueName]!.DeepClone();
            alpha.Data[valueName] = bravo.Data[valueName]!.DeepClone();
            bravo.Data[valueName] = alphaValue;
            await WriteEvent(connection, alpha.SeqId, alpha.Data);
            await WriteEvent(connection, bravo.SeqId, bravo.Data);
        }

        await AssertDecryptionFails("/v1/secrets/swap/alpha?version=1");
        await AssertDecryptionFails("/v1/secrets/swap/bravo?version=1");
        // the current versions live in the untouched documents and still read
        var current = await (await Host.Scenario(s => s.AsRoot().Get.Url("/v1/secrets/swap/alpha"))).Json();
        Assert.Equal("alpha-v2", current["data"]!["password"]!.GetValue<string>());
    }

    private async Task AssertDecryptionFails(string url)
    {
        var result = await Host.Send("GET", url);
        var text = await result.ReadAsTextAsync();
        Assert.True(result.Status() == 500, $"GET {url} answered {result.Status()}: {text}");
        Assert.Equal("decryption_failed", await result.ErrorCode());
        Assert.DoesNotContain(ValueA, text);
        Assert.DoesNotContain(ValueB, text);
        Assert.DoesNotContain("password", text);
    }

    /// <summary>Swaps one top-level JSON property between two document rows of a Marten table.</summary>
    private async Task SwapDocumentProperty(string table, string idA, string idB, string property)
    {
        await using var connection = await Database.OpenAsync();
        var a = await Database.ReadDocumentAsync(connection, Fixture.Schema, table, idA);
        var b = await Database.ReadDocumentAsync(connection, Fixture.Schema, table, idB);
        var name = Database.PropertyName(a, property);
        var fromA = a[name]!.DeepClone();
        var fromB = b[name]!.DeepClone();
        Assert.NotEqual(fromA.ToJsonString(), fromB.ToJsonString());
        a[name] = fromB;
        b[name] = fromA;
        await Database.WriteDocumentAsync(connection, Fixture.Schema, table, idA, a);
        await Database.WriteDocumentAsync(connection, Fixture.Schema, table, idB, b);
    }

    private async Task<(long SeqId, JsonObject Data)> ReadWrittenEvent(NpgsqlConnection connection, string stream, int version)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT seq_id, data::text FROM {Database.Table(Fixture.Schema, "mt_events")} WHERE stream_id = @stream AND type = 'secret_version_written'",
            connection);
        command.Parameters.AddWithValue("stream", stream);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var data = JsonNode.Parse(reader.GetString(1))!.AsObject();
            if (data[Database.PropertyName(data, "Version")]!.GetValue<int>() == version) return (reader.GetInt64(0), data);
        }
        throw new InvalidOperationException($"No secret_version_written event for version {version} of {stream}.");
    }

    private async Task WriteEvent(NpgsqlConnection connection, long seqId, JsonObject data)
    {
        await using var command = new NpgsqlCommand(
            $"UPDATE {Database.Table(Fixture.Schema, "mt_events")} SET data = @data::jsonb WHERE seq_id = @seq", connection);
        command.Parameters.AddWithValue("data", data.ToJsonString());
        command.Parameters.AddWithValue("seq", seqId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
    }
}
