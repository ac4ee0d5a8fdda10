using ScaiVault.Domain.Secrets;

namespace ScaiVault.Domain.Tests;

public sealed class SecretPathTests
{
    // A path of exactly `length` characters made of full 128-character segments (a last, shorter one
    // takes the rest), so only the total length is at the limit.
    private static string PathOfLength(int length)
    {
        var segments = new List<string>();
        var remaining = length;
        var letter = 'a';
        while (remaining > 0)
        {
            if (segments.Count > 0) remaining--; // the '/' before this segment
            var take = Math.Min(SecretPath.MaxSegmentLength, remaining);
            segments.Add(new string(letter++, take));
            remaining -= take;
        }
        var path = string.Join('/', segments);
        path.Length.ShouldBe(length);
        return path;
    }

    private static string PathOfDepth(int depth) => string.Join('/', Enumerable.Repeat("s", depth));

    private static string Invalid(string? path)
    {
        SecretPath.TryValidate(path, out var error).ShouldBeFalse();
        error.ShouldNotBeNullOrWhiteSpace();
        return error;
    }

    [Theory]
    [InlineData("a")]
    [InlineData("db")]
    [InlineData("apps/billing/db-password")]
    [InlineData("A-Z_a-z.0-9+=@")]
    [InlineData("team@example.com/key=value+1")]
    [InlineData("v1.2/config.json")]
    [InlineData("...")]
    [InlineData(".hidden/..x/x..")]
    [InlineData("_/-/+/=/@")]
    public void TryValidate_ValidPath_ReturnsTrueWithoutError(string path)
    {
        SecretPath.TryValidate(path, out var error).ShouldBeTrue();
        error.ShouldBeNull();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void TryValidate_NullOrEmpty_FailsAsEmpty(string? path)
    {
        Invalid(path).ShouldBe("The path is empty.");
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/.")]
    [InlineData("a/..")]
    [InlineData("./a")]
    [InlineData("../a")]
    [InlineData("a/./b")]
    [InlineData("a/../b")]
    public void TryValidate_DotSegment_FailsAsDotSegment(string path)
    {
        Invalid(path).ShouldContain("'.' or '..' segment");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("//")]
    [InlineData("/a")]
    [InlineData("a/")]
    [InlineData("/a/")]
    [InlineData("a//b")]
    [InlineData("a/b//")]
    public void TryValidate_EmptySegmentOrOuterSlash_FailsAsEmptySegment(string path)
    {
        Invalid(path).ShouldContain("empty segment");
    }

    [Theory]
    [InlineData("a b", ' ')]
    [InlineData("a\\b", '\\')]
    [InlineData("a%2Fb", '%')]
    [InlineData("a:b", ':')]
    [InlineData("a*b", '*')]
    [InlineData("a?b", '?')]
    [InlineData("a#b", '#')]
    [InlineData("a&b", '&')]
    [InlineData("a,b", ',')]
    [InlineData("a;b", ';')]
    [InlineData("a~b", '~')]
    [InlineData("a'b", '\'')]
    [InlineData("a\"b", '"')]
    [InlineData("a<b", '<')]
    [InlineData("a|b", '|')]
    [InlineData("a{b", '{')]
    [InlineData("a$b", '$')]
    public void TryValidate_PrintableForbiddenChar_FailsNamingTheChar(string path, char forbidden)
    {
        var error = Invalid(path);
        error.ShouldStartWith($"The path contains '{forbidden}';");
        error.ShouldContain("allowed are letters, digits and _ - . + = @");
    }

    [Theory]
    [InlineData("a\0b", "U+0000")]
    [InlineData("a\tb", "U+0009")]
    [InlineData("a\nb", "U+000A")]
    [InlineData("a\rb", "U+000D")]
    [InlineData("a\u007Fb", "U+007F")]
    [InlineData("a\u0085b", "U+0085")]
    public void TryValidate_ControlChar_FailsNamingTheCodePoint(string path, string codePoint)
    {
        Invalid(path).ShouldStartWith($"The path contains the character {codePoint};");
    }

    [Theory]
    [InlineData("caf\u00E9", "U+00E9")]
    [InlineData("\u0430pp", "U+0430")] // Cyrillic a, looks like Latin a
    [InlineData("a\u00A0b", "U+00A0")] // no-break space
    [InlineData("a\u2215b", "U+2215")] // division slash, looks like '/'
    [InlineData("a\uFF0Fb", "U+FF0F")] // full-width solidus
    [InlineData("a\u200Bb", "U+200B")] // zero-width space
    [InlineData("key\uD83D\uDD11", "U+D83D")] // emoji: first surrogate is reported
    public void TryValidate_NonAsciiChar_FailsNamingTheCodePoint(string path, string codePoint)
    {
        Invalid(path).ShouldStartWith($"The path contains the character {codePoint};");
    }

    [Fact]
    public void TryValidate_Length512_Succeeds()
    {
        SecretPath.TryValidate(PathOfLength(SecretPath.MaxLength), out var error).ShouldBeTrue();
        error.ShouldBeNull();
    }

    [Fact]
    public void TryValidate_Length513_FailsAsTooLong()
    {
        Invalid(PathOfLength(SecretPath.MaxLength + 1)).ShouldBe("The path is longer than 512 characters.");
    }

    [Fact]
    public void TryValidate_Depth32_Succeeds()
    {
        SecretPath.TryValidate(PathOfDepth(SecretPath.MaxDepth), out var error).ShouldBeTrue();
        error.ShouldBeNull();
    }

    [Fact]
    public void TryValidate_Depth33_FailsAsTooDeep()
    {
        Invalid(PathOfDepth(SecretPath.MaxDepth + 1)).ShouldBe("The path has more than 32 segments.");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void TryValidate_Segment128_Succeeds(int position)
    {
        var segments = new[] { "a", "b" };
        segments[position] = new string('x', SecretPath.MaxSegmentLength);
        SecretPath.TryValidate(string.Join('/', segments), out var error).ShouldBeTrue();
        error.ShouldBeNull();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void TryValidate_Segment129_FailsAsSegmentTooLong(int position)
    {
        var segments = new[] { "a", "b" };
        segments[position] = new string('x', SecretPath.MaxSegmentLength + 1);
        Invalid(string.Join('/', segments)).ShouldBe("A path segment is longer than 128 characters.");
    }

    [Fact]
    public void Limits_AreThePublishedValues()
    {
        SecretPath.MaxLength.ShouldBe(512);
        SecretPath.MaxDepth.ShouldBe(32);
        SecretPath.MaxSegmentLength.ShouldBe(128);
    }

    [Fact]
    public void IsAllowedChar_EveryAsciiChar_AllowsExactlyLettersDigitsAndSixSymbols()
    {
        const string expected = "+-.0123456789=@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
        var allowed = new string(Enumerable.Range(0, 128).Select(i => (char)i).Where(SecretPath.IsAllowedChar).ToArray());
        allowed.ShouldBe(expected);
    }

    [Theory]
    [InlineData('\u00E9')]
    [InlineData('\u0660')] // Arabic-Indic digit zero: char.IsDigit, but not allowed
    [InlineData('\uFF21')] // full-width A: char.IsLetter, but not allowed
    public void IsAllowedChar_NonAsciiLetterOrDigit_ReturnsFalse(char c)
    {
        SecretPath.IsAllowedChar(c).ShouldBeFalse();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("a/")]
    [InlineData("apps/billing")]
    [InlineData("apps/billing/")]
    public void TryValidatePrefix_EmptyOrValidPathWithOptionalTrailingSlash_Succeeds(string? prefix)
    {
        SecretPath.TryValidatePrefix(prefix, out var error).ShouldBeTrue();
        error.ShouldBeNull();
    }

    [Theory]
    [InlineData("/", "empty")]
    [InlineData("//", "empty segment")]
    [InlineData("a//", "empty segment")]
    [InlineData("/a", "empty segment")]
    [InlineData("/a/", "empty segment")]
    [InlineData("a//b/", "empty segment")]
    [InlineData("../", "'.' or '..' segment")]
    [InlineData("a/./", "'.' or '..' segment")]
    [InlineData("a b/", "contains ' '")]
    [InlineData("a\nb/", "U+000A")]
    public void TryValidatePrefix_InvalidPrefix_FailsWithRuleBroken(string prefix, string expectedInError)
    {
        SecretPath.TryValidatePrefix(prefix, out var error).ShouldBeFalse();
        error.ShouldNotBeNull();
        error.ShouldContain(expectedInError);
    }

    [Fact]
    public void TryValidatePrefix_TrailingSlashOnMaxLengthPath_Succeeds()
    {
        // The trailing '/' is not part of the path, so a 512-character path may be listed with it.
        SecretPath.TryValidatePrefix(PathOfLength(SecretPath.MaxLength) + "/", out var error).ShouldBeTrue();
        error.ShouldBeNull();
    }

    [Fact]
    public void TryValidatePrefix_513CharacterPath_FailsAsTooLong()
    {
        SecretPath.TryValidatePrefix(PathOfLength(SecretPath.MaxLength + 1) + "/", out var error).ShouldBeFalse();
        error.ShouldBe("The path is longer than 512 characters.");
    }

    [Fact]
    public void TryValidatePrefix_Depth33WithTrailingSlash_FailsAsTooDeep()
    {
        SecretPath.TryValidatePrefix(PathOfDepth(SecretPath.MaxDepth + 1) + "/", out var error).ShouldBeFalse();
        error.ShouldBe("The path has more than 32 segments.");
    }
}
