using ScaiVault.Domain.Policies;

namespace ScaiVault.Domain.Tests.Policies;

/// <summary>Pattern semantics as PathPattern's doc comment states them (gitignore's rules), case by case.</summary>
public sealed class PathPatternTests
{
    private static bool M(string pattern, string path) => PathPattern.Parse(pattern).Matches(path);

    [Theory]
    [InlineData("apps/db", "apps/db", true)]
    [InlineData("apps/db", "apps/db2", false)]
    [InlineData("apps/db", "apps", false)]
    [InlineData("apps/db", "apps/db/x", false)]
    [InlineData("apps/db", "Apps/db", false)]
    [InlineData("a.b+c=d@e", "a.b+c=d@e", true)]
    [InlineData("a.b", "aXb", false)]
    public void Literal_MatchesItselfOnly(string pattern, string path, bool expected) => M(pattern, path).ShouldBe(expected);

    [Theory]
    [InlineData("apps/db-*", "apps/db-1", true)]
    [InlineData("apps/db-*", "apps/db-", true)]
    [InlineData("apps/db-*", "apps/db-prod-eu", true)]
    [InlineData("apps/db-*", "apps/xdb-1", false)]
    [InlineData("apps/db-*", "apps/db-1/x", false)]
    [InlineData("apps/*", "apps/x", true)]
    [InlineData("apps/*", "apps", false)]
    [InlineData("apps/*", "apps/x/y", false)]
    [InlineData("*", "a", true)]
    [InlineData("*", "a/b", false)]
    [InlineData("*/db", "apps/db", true)]
    [InlineData("*/db", "a/b/db", false)]
    [InlineData("*-key", "api-key", true)]
    [InlineData("*-key", "api-keys", false)]
    [InlineData("a*b*c", "abc", true)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYY", false)]
    [InlineData("a*b", "ab/b", false)]
    [InlineData("*a*", "bab", true)]
    [InlineData("**", "a", true)]
    public void Star_MatchesWithinOneSegment_NeverAcross(string pattern, string path, bool expected) => M(pattern, path).ShouldBe(expected);

    [Theory]
    [InlineData("**/key", "key", true)]
    [InlineData("**/key", "a/key", true)]
    [InlineData("**/key", "a/b/c/key", true)]
    [InlineData("**/key", "keys", false)]
    [InlineData("**/key", "a/key/b", false)]
    [InlineData("**/key", "a/xkey", false)]
    public void DoubleStarAtStart_MatchesZeroOrMoreSegments(string pattern, string path, bool expected) => M(pattern, path).ShouldBe(expected);

    [Theory]
    [InlineData("a/**/b", "a/b", true)]
    [InlineData("a/**/b", "a/x/b", true)]
    [InlineData("a/**/b", "a/x/y/z/b", true)]
    [InlineData("a/**/b", "a/x/b/c", false)]
    [InlineData("a/**/b", "a", false)]
    [InlineData("a/**/b", "b", false)]
    [InlineData("a/**/b", "x/a/b", false)]
    [InlineData("a/**/b/**/c", "a/b/c", true)]
    [InlineData("a/**/b/**/c", "a/1/b/2/3/c", true)]
    [InlineData("a/**/b/**/c", "a/1/c", false)]
    public void DoubleStarInTheMiddle_MatchesZeroOrMoreSegments(string pattern, string path, bool expected) => M(pattern, path).ShouldBe(expected);

    [Theory]
    [InlineData("apps/**", "apps/x", true)]
    [InlineData("apps/**", "apps/x/y/z", true)]
    [InlineData("apps/**", "apps", false)]
    [InlineData("apps/**", "appsx/y", false)]
    [InlineData("apps/**", "other/apps/x", false)]
    [InlineData("**", "a/b/c", true)]
    [InlineData("**/a/**", "a/x", true)]
    [InlineData("**/a/**", "x/y/a/z", true)]
    [InlineData("**/a/**", "a", false)]
    [InlineData("**/a/**", "x/a", false)]
    [InlineData("**/**", "x", true)]
    [InlineData("a/**/**", "a", false)]
    [InlineData("a/**/**", "a/b", true)]
    public void DoubleStarAtTheEnd_MatchesOneOrMoreSegments(string pattern, string path, bool expected) => M(pattern, path).ShouldBe(expected);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a//b", "empty segment")]
    [InlineData("/a", "empty segment")]
    [InlineData("a/", "empty segment")]
    [InlineData("a/./b", "'.' or '..'")]
    [InlineData("..", "'.' or '..'")]
    [InlineData("a**", "whole segment")]
    [InlineData("**b", "whole segment")]
    [InlineData("a/***", "whole segment")]
    [InlineData("a b", "only path characters")]
    [InlineData("a?", "only path characters")]
    [InlineData("a:b", "only path characters")]
    [InlineData("a\\b", "only path characters")]
    [InlineData("é", "only path characters")]
    public void TryParse_BadPattern_IsRefusedWithTheRuleBroken(string pattern, string fragment)
    {
        PathPattern.TryParse(pattern, out var parsed, out var error).ShouldBeFalse();
        parsed.ShouldBeNull();
        error.ShouldContain(fragment);
    }

    [Fact]
    public void TryParse_TooLong_IsRefused()
    {
        PathPattern.TryParse(new string('a', 513), out _, out var error).ShouldBeFalse();
        error.ShouldContain("512");
        PathPattern.TryParse(new string('a', 512), out _, out _).ShouldBeTrue();
    }

    [Fact]
    public void TryParse_GoodPattern_KeepsItsText()
    {
        PathPattern.TryParse("apps/**/db-*", out var parsed, out var error).ShouldBeTrue();
        error.ShouldBeNull();
        parsed.Text.ShouldBe("apps/**/db-*");
        parsed.ToString().ShouldBe("apps/**/db-*");
    }
}
