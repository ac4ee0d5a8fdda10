using Alba;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Security;

/// <summary>
/// Check-and-set under a real race: of many writers that all expect the same version, exactly one lands.
/// Without check-and-set, every concurrent write lands, one after another, with no version lost or doubled.
/// </summary>
public sealed class CasRaceTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string Path = "race/counter";

    private Task<(int Writer, IScenarioResult Result)[]> RaceAsync(int writers, int? cas) =>
        Task.WhenAll(Enumerable.Range(0, writers).Select(async writer =>
        {
            var options = cas is { } expected ? ", \"options\": {\"cas\": " + expected + "}" : "";
            var result = await Host.Send("PUT", "/v1/secrets/" + Path, "{\"data\": {\"writer\": \"w" + writer + "\"}" + options + "}");
            return (writer, result);
        }));

    private async Task<(int Status, string? Code, int? Version)> Outcome(IScenarioResult result)
    {
        var json = await result.Json();
        return (result.Status(), json["error"]?["code"]?.GetValue<string>(), json["version"]?.GetValue<int>());
    }

    [Fact]
    public async Task Put_50ConcurrentWritersWithTheCurrentVersionAsCas_ExactlyOneWins()
    {
        for (var i = 0; i < 3; i++) await Host.PutSecret(Path, new { writer = "seed" });

        var results = await RaceAsync(50, cas: 3);

        var outcomes = new List<(int Writer, int Status, string? Code, int? Version)>();
        foreach (var (writer, result) in results)
        {
            var (status, code, version) = await Outcome(result);
            outcomes.Add((writer, status, code, version));
        }
        var winners = outcomes.Where(o => o.Status == 200).ToArray();
        var winner = Assert.Single(winners);
        Assert.Equal(4, winner.Version);
        var others = outcomes.Where(o => o.Status != 200).ToArray();
        Assert.Equal(49, others.Length);
        Assert.All(others, o => Assert.True(o is { Status: 409, Code: "cas_mismatch" }, $"writer {o.Writer}: {o.Status} {o.Code}"));

        var read = await (await Host.Scenario(s => s.AsRoot().Get.Url("/v1/secrets/" + Path))).Json();
        Assert.Equal(4, read["version"]!.GetValue<int>());
        Assert.Equal($"w{winner.Writer}", read["data"]!["writer"]!.GetValue<string>());
        var history = await (await Host.Scenario(s => s.AsRoot().Get.Url("/v1/metadata/" + Path))).Json();
        Assert.Equal([1, 2, 3, 4], history["versions"]!.AsArray().Select(v => v!["version"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Put_30ConcurrentCreatesWithCasZero_ExactlyOneCreates()
    {
        var results = await RaceAsync(30, cas: 0);

        var outcomes = new List<(int Writer, int Status, string? Code, int? Version)>();
        foreach (var (writer, result) in results)
        {
            var (status, code, version) = await Outcome(result);
            outcomes.Add((writer, status, code, version));
        }
        var winner = Assert.Single(outcomes, o => o.Status == 200);
        Assert.Equal(1, winner.Version);
        Assert.All(outcomes.Where(o => o.Status != 200),
            o => Assert.True(o is { Status: 409, Code: "cas_mismatch" }, $"writer {o.Writer}: {o.Status} {o.Code}"));

        var read = await (await Host.Scenario(s => s.AsRoot().Get.Url("/v1/secrets/" + Path))).Json();
        Assert.Equal(1, read["version"]!.GetValue<int>());
        Assert.Equal($"w{winner.Writer}", read["data"]!["writer"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_20ConcurrentFirstWritesWithoutCas_AllLandAsVersions1To20()
    {
        // racing to create the stream is a conflict to retry, like any other lost race
        var results = await RaceAsync(20, cas: null);

        var versions = new List<int>();
        foreach (var (writer, result) in results)
        {
            var (status, code, version) = await Outcome(result);
            Assert.True(status == 200, $"writer {writer}: {status} {code}");
            versions.Add(version!.Value);
        }
        Assert.Equal(Enumerable.Range(1, 20), versions.Order());
        var history = await (await Host.Scenario(s => s.AsRoot().Get.Url("/v1/metadata/" + Path))).Json();
        Assert.Equal(Enumerable.Range(1, 20), history["versions"]!.AsArray().Select(v => v!["version"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Put_20ConcurrentWritersWithoutCas_AllLandWithDistinctContiguousVersions()
    {
        Assert.Equal(1, await Host.PutSecret(Path, new { writer = "seed" }));

        var results = await RaceAsync(20, cas: null);

        var versions = new Dictionary<int, int>();
        foreach (var (writer, result) in results)
        {
            var (status, code, version) = await Outcome(result);
            Assert.True(status == 200, $"writer {writer}: {status} {code}");
            versions.Add(version!.Value, writer); // throws on a version handed out twice
        }
        Assert.Equal(Enumerable.Range(2, 20), versions.Keys.Order());

        var history = await (await Host.Scenario(s => s.AsRoot().Get.Url("/v1/metadata/" + Path))).Json();
        Assert.Equal(21, history["current_version"]!.GetValue<int>());
        var listed = history["versions"]!.AsArray().Select(v => (Version: v!["version"]!.GetValue<int>(), State: v["state"]!.GetValue<string>())).ToArray();
        Assert.Equal(Enumerable.Range(1, 21), listed.Select(v => v.Version));
        Assert.All(listed, v => Assert.Equal("active", v.State));

        // every version holds what its writer sent, and the current one is the last writer's
        foreach (var (version, writer) in versions)
        {
            var read = await (await Host.Scenario(s => s.AsRoot().Get.Url($"/v1/secrets/{Path}?version={version}"))).Json();
            Assert.Equal($"w{writer}", read["data"]!["writer"]!.GetValue<string>());
        }
        var current = await (await Host.Scenario(s => s.AsRoot().Get.Url("/v1/secrets/" + Path))).Json();
        Assert.Equal($"w{versions[21]}", current["data"]!["writer"]!.GetValue<string>());
    }
}
