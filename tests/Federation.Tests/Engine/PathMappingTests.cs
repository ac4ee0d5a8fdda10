using System.Text.Json;
using ScaiVault.Domain.Federation;
using ScaiVault.Federation.Mapping;

namespace ScaiVault.Federation.Tests.Engine;

public sealed class PathMappingTests
{
    private static PathMapping Parse(string json)
    {
        var (rules, error) = PathMapping.Parse(JsonDocument.Parse(json).RootElement);
        error.ShouldBeNull();
        return PathMapping.From(rules);
    }

    private static ConfigError ParseError(string json) => PathMapping.Parse(JsonDocument.Parse(json).RootElement).Error.ShouldNotBeNull();

    [Fact]
    public void ObjectForm_GlobIsCapturedAndSubstituted()
    {
        var mapping = Parse("""{"external/hashicorp/**": "kv/data/**"}""");
        mapping.ToBackend("external/hashicorp/apps/billing/db")!.Name.ShouldBe("kv/data/apps/billing/db");
        mapping.ToBackend("external/hashicorp").ShouldBeNull();
        mapping.ToBackend("other/apps/billing/db").ShouldBeNull();
    }

    [Fact]
    public void ObjectForm_KeepsDocumentOrder_FirstMatchWins()
    {
        var mapping = Parse("""{"external/vault/special/**": "kv/data/other/**", "external/vault/**": "kv/data/**"}""");
        mapping.ToBackend("external/vault/special/a")!.Name.ShouldBe("kv/data/other/a");
        mapping.ToBackend("external/vault/plain/a")!.Name.ShouldBe("kv/data/plain/a");
    }

    [Fact]
    public void ArrayForm_IsOrdered_AndCarriesTransform()
    {
        var mapping = Parse("""
            [{"scaivault_path": "ext/db/password", "backend_path": "kv/data/db", "transform": "field:password"},
             {"scaivault_path": "ext/**", "backend_path": "kv/data/**"}]
            """);
        var exact = mapping.ToBackend("ext/db/password")!;
        exact.Name.ShouldBe("kv/data/db");
        exact.Rule.Transform.ShouldBe("field:password");
        mapping.ToBackend("ext/db")!.Name.ShouldBe("kv/data/db");
        mapping.Rules.Count.ShouldBe(2);
    }

    [Fact]
    public void ToScaiVault_ReversesTheFirstTemplateThatMatches()
    {
        var mapping = Parse("""{"external/aws/**": "prod/**"}""");
        mapping.ToScaiVault("prod/billing/db").ShouldBe(("external/aws/billing/db", mapping.Rules[0], null));
    }

    [Theory]
    [InlineData("kv/data/apps/bad name", "invalid_path")]
    [InlineData("kv/data/apps/a:b", "invalid_path")]
    [InlineData("kv/data/apps//double", "invalid_path")]
    [InlineData("kv/data/apps/ünïcode", "invalid_path")]
    public void ToScaiVault_PathsTheGrammarCannotHold_AreSkippedWithAReason(string name, string reason)
    {
        var (path, _, skip) = Parse("""{"ext/**": "kv/data/**"}""").ToScaiVault(name);
        path.ShouldBeNull();
        skip.ShouldNotBeNull().ShouldStartWith(reason);
    }

    [Fact]
    public void ToScaiVault_ShadowedByAnEarlierEntry_IsSkipped()
    {
        var mapping = Parse("""{"ext/**": "kv/data/a/**", "ext2/**": "kv/data/**"}""");
        // kv/data/a/x reverses to ext2/a/x by the second template? No: the first template matches first.
        mapping.ToScaiVault("kv/data/a/x").Path.ShouldBe("ext/x");
        // kv/data/b reverses through the second entry to ext2/b, which maps back to kv/data/b: fine.
        mapping.ToScaiVault("kv/data/b").Path.ShouldBe("ext2/b");
        var shadowing = Parse("""{"ext/a/**": "kv/data/other/**", "ext/**": "kv/data/**"}""");
        var (path, _, skip) = shadowing.ToScaiVault("kv/data/a/x");
        path.ShouldBeNull();
        skip.ShouldNotBeNull().ShouldStartWith("shadowed");
    }

    [Fact]
    public void SyncSources_ListPrefixBeforeGlob_ExactNameWithout()
    {
        var mapping = Parse("""{"ext/one": "kv/data/one", "ext/**": "kv/data/apps/**"}""");
        mapping.SyncSources().Select(s => (s.Prefix, s.Exact)).ShouldBe([("kv/data/one", true), ("kv/data/apps/", false)]);
    }

    [Theory]
    [InlineData("""{"ext/**/**": "kv/**"}""", "path_mapping.ext/**/**")]
    [InlineData("""{"ext/a**": "kv/**"}""", "path_mapping.ext/a**")]
    [InlineData("""{"ext/**": "kv/data"}""", "path_mapping.ext/**")]
    [InlineData("""{"ext/a": "kv/**"}""", "path_mapping.ext/a")]
    [InlineData("""{"../x/**": "kv/**"}""", "path_mapping.../x/**")]
    [InlineData("""{"ext/**": 3}""", "path_mapping.ext/**")]
    [InlineData("""{}""", "path_mapping")]
    [InlineData("""[{"scaivault_path": "ext/**"}]""", "path_mapping[0].backend_path")]
    [InlineData("""[{"backend_path": "kv/**"}]""", "path_mapping[0].scaivault_path")]
    [InlineData("""[{"scaivault_path": "ext/**", "backend_path": "kv/**", "extra": 1}]""", "path_mapping[0].extra")]
    [InlineData("""[{"scaivault_path": "ext/**", "backend_path": "kv/**", "transform": "upper"}]""", "path_mapping.ext/**.transform")]
    [InlineData("""[3]""", "path_mapping[0]")]
    [InlineData(""" "ext" """, "path_mapping")]
    public void Invalid_NamesTheField(string json, string field) => ParseError(json).Field.ShouldBe(field);

    [Fact]
    public void FieldTransform_TakesOneJsonField_AsString()
    {
        ValueTransform.TryParse("field:password", out var transform, out _).ShouldBeTrue();
        var (value, error) = transform!.Apply(new RemoteSecretValue(Domain.Secrets.SecretType.Json, """{"password":"s3cret","user":"u"}"""u8.ToArray()));
        error.ShouldBeNull();
        value!.SecretType.ShouldBe(Domain.Secrets.SecretType.String);
        System.Text.Encoding.UTF8.GetString(value.Bytes).ShouldBe("s3cret");
        transform.Apply(new RemoteSecretValue(Domain.Secrets.SecretType.Json, """{"user":"u"}"""u8.ToArray())).Error.ShouldNotBeNull().ShouldNotContain("u\"");
    }
    [Fact]
    public void Listing_InsideAGlobSubtree_ListsTheMatchingBackendPrefix()
    {
        var mapping = Parse("""{"external/vault/special/**": "kv/data/other/**", "external/vault/**": "kv/data/**", "ext/db": "kv/data/db"}""");
        mapping.HoldsSubtree("external/vault/").ShouldBeTrue();
        mapping.HoldsSubtree("external/vault/apps/").ShouldBeTrue();
        mapping.HoldsSubtree("external/").ShouldBeFalse();
        mapping.HoldsSubtree("ext/").ShouldBeFalse();   // an exact rule holds one path, not a subtree

        mapping.BackendPrefixesUnder("external/vault/apps/").ShouldBe(["kv/data/apps/"]);
        // Both rules can hold paths under external/vault/: kv/data/ covers kv/data/other/.
        mapping.BackendPrefixesUnder("external/vault/").ShouldBe(["kv/data/"]);
        mapping.BackendPrefixesUnder("external/vault/special/").ShouldBe(["kv/data/other/", "kv/data/special/"]);
        mapping.BackendPrefixesUnder("other/").ShouldBeEmpty();
    }

    [Fact]
    public void Listing_AboveRules_NamesTheirPatterns()
    {
        var mapping = Parse("""{"external/vault/**": "kv/data/**", "ext/db": "kv/data/db", "apps/**/db": "kv/data/**/db"}""");
        mapping.PatternsUnder("").ShouldBe(["external/vault/**", "ext/db", "apps/**/db"]);
        mapping.PatternsUnder("external/").ShouldBe(["external/vault/**"]);
        mapping.PatternsUnder("apps/billing/").ShouldBe(["apps/**/db"]);   // partly proxied: only the db leaves
        mapping.HoldsSubtree("apps/billing/").ShouldBeFalse();
        mapping.PatternsUnder("internal/").ShouldBeEmpty();
    }
}
