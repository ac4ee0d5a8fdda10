using ScaiVault.Domain.Audit;

namespace ScaiVault.Domain.Tests.Audit;

public sealed class AuditChainTests
{
    private static AuditEntryRecorded Draft(string requestId, string? path = "apps/x") => new(
        "", 0, "", "", requestId, new DateTimeOffset(2026, 11, 23, 20, 0, 0, TimeSpan.Zero).AddTicks(1234567), "acme", "alice", null, null,
        "hmac-sha256:ab", "secret.read", "GET", "/v1/secrets/apps/x", path, 3, null, "success", 200, null, 1.25, "127.0.0.1", "curl/8");

    private static List<AuditEntryRecorded> Chain(int length)
    {
        var chain = new List<AuditEntryRecorded>();
        var prev = AuditChain.Genesis;
        for (var i = 1; i <= length; i++)
        {
            var entry = AuditChain.Seal(Draft($"req_{i}"), "node-1-g0", i, prev);
            chain.Add(entry);
            prev = entry.Hash;
        }
        return chain;
    }

    private static (int Index, string Problem)? FirstBreak(IReadOnlyList<AuditEntryRecorded> chain)
    {
        for (var i = 0; i < chain.Count; i++)
            if (AuditChain.Check(i == 0 ? null : chain[i - 1], chain[i]) is { } problem) return (i, problem);
        return null;
    }

    [Fact]
    public void Check_ASealedChain_HasNoBreak() => Assert.Null(FirstBreak(Chain(5)));

    [Fact]
    public void Seal_TheSameEntryTwice_GivesTheSameHash() =>
        Assert.Equal(AuditChain.Seal(Draft("r"), "c", 1, AuditChain.Genesis).Hash, AuditChain.Seal(Draft("r"), "c", 1, AuditChain.Genesis).Hash);

    [Fact]
    public void Check_AnyEditedField_BreaksAtThatEntry()
    {
        var edits = new Func<AuditEntryRecorded, AuditEntryRecorded>[]
        {
            e => e with { Path = "apps/y" }, e => e with { Path = null }, e => e with { IdentityId = "bob" }, e => e with { Version = 2 },
            e => e with { Version = null }, e => e with { Status = 403 }, e => e with { At = e.At.AddTicks(1) }, e => e with { DurationMs = 1.26 },
            e => e with { TenantId = "globex" }, e => e with { UserAgent = null }, e => e with { TokenHmac = "hmac-sha256:cd" },
            e => e with { ChainId = "node-2-g0" }, e => e with { Action = "secret.write" }, e => e with { ClientAddress = "10.0.0.1" },
        };
        foreach (var edit in edits)
        {
            var chain = Chain(4);
            chain[2] = edit(chain[2]);
            var found = FirstBreak(chain);
            Assert.NotNull(found);
            Assert.Equal(2, found.Value.Index);
            Assert.Contains("edited", found.Value.Problem);
        }
    }

    [Fact]
    public void Check_NullAndEmptyAreDifferent()
    {
        var a = AuditChain.Seal(Draft("r", path: null), "c", 1, AuditChain.Genesis);
        var b = AuditChain.Seal(Draft("r", path: ""), "c", 1, AuditChain.Genesis);
        Assert.NotEqual(a.Hash, b.Hash);
    }

    [Fact]
    public void Check_ARemovedEntry_IsAGap()
    {
        var chain = Chain(4);
        chain.RemoveAt(1);
        var found = FirstBreak(chain);
        Assert.Equal(1, found!.Value.Index);
        Assert.Contains("missing", found.Value.Problem);
    }

    [Fact]
    public void Check_ARehashedEditedEntry_BreaksTheNextLink()
    {
        var chain = Chain(4);
        var forged = chain[1] with { Path = "apps/innocent" };
        chain[1] = forged with { Hash = AuditChain.HashOf(forged) };
        var found = FirstBreak(chain);
        Assert.Equal(2, found!.Value.Index);
        Assert.Contains("prev_hash", found.Value.Problem);
    }

    [Fact]
    public void Check_AChainNotStartingAtGenesis_IsBroken()
    {
        var chain = Chain(3).Skip(1).ToList();
        Assert.Equal(0, FirstBreak(chain)!.Value.Index);
    }

    [Theory]
    [InlineData(200, "success")]
    [InlineData(204, "success")]
    [InlineData(401, "denied")]
    [InlineData(403, "denied")]
    [InlineData(400, "invalid")]
    [InlineData(404, "invalid")]
    [InlineData(413, "invalid")]
    [InlineData(500, "error")]
    [InlineData(503, "error")]
    public void Outcome_FollowsTheStatus(int status, string outcome) => Assert.Equal(outcome, AuditOutcome.From(status));
}
