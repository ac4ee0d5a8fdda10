using ScaiVault.Federation.Azure;

namespace ScaiVault.Federation.Tests.Azure;

public sealed class AzureSecretNamesTests
{
    [Theory]
    [InlineData("db-password", "db-password")]
    [InlineData("apps/billing/db", "apps--billing--db")]
    [InlineData("A1/b-2/C3", "A1--b-2--C3")]
    [InlineData("x/-lead", "x---lead")]
    public void Folders_become_double_dashes_and_decode_back(string name, string azure)
    {
        AzureSecretNames.TryEncode(name, out var encoded, out var reason).ShouldBeTrue(reason);
        encoded.ShouldBe(azure);
        AzureSecretNames.Decode(azure).ShouldBe(name);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("naïve", "U+00EF")]
    [InlineData("日本", "U+65E5")]
    [InlineData("emoji-🔑", "U+D83D")]
    [InlineData("db_password", "'_'")]
    [InlineData("db.password", "'.'")]
    [InlineData("with space", "' '")]
    [InlineData("tab\tname", "U+0009")]
    [InlineData("trail-/x", "read back as a different name")]
    [InlineData("double--dash", "read back as a different name")]
    public void Names_Azure_cannot_hold_are_refused_with_a_reason(string name, string reasonPart)
    {
        AzureSecretNames.TryEncode(name, out var encoded, out var reason).ShouldBeFalse();
        encoded.ShouldBeNull();
        reason.ShouldContain(reasonPart);
    }

    [Fact]
    public void The_length_limit_counts_the_encoded_name()
    {
        AzureSecretNames.TryEncode(new string('a', 127), out _, out _).ShouldBeTrue();
        AzureSecretNames.TryEncode(new string('a', 128), out _, out var tooLong).ShouldBeFalse();
        tooLong.ShouldContain("127");
        AzureSecretNames.TryEncode(new string('a', 63) + "/" + new string('b', 63), out _, out var folded).ShouldBeFalse();
        folded.ShouldContain("'/' counts as '--'");
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("a--b")]
    [InlineData("a---b")]
    [InlineData("--lead")]
    [InlineData("trail--")]
    [InlineData("a----b")]
    public void Every_Azure_name_decodes_to_one_name_that_encodes_back_to_it(string azure)
    {
        var name = AzureSecretNames.Decode(azure);
        name.Replace("/", "--").ShouldBe(azure);
    }
}
