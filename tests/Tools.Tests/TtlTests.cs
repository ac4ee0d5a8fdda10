namespace ScaiVault.Tools.Tests;

public sealed class TtlTests
{
    [Theory]
    [InlineData("1h", 3600)]
    [InlineData("15m", 900)]
    [InlineData("3600s", 3600)]
    [InlineData("3600", 3600)]
    [InlineData("1s", 1)]
    [InlineData("2d", 172800)]
    [InlineData(" 30m ", 1800)]
    [InlineData("365d", 31536000)]
    public void Parse_AcceptsWholeNumbersWithAUnit(string text, int seconds) =>
        Ttl.Parse(text).ShouldBe(TimeSpan.FromSeconds(seconds));

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("0")]
    [InlineData("0m")]
    [InlineData("-5m")]
    [InlineData("1.5h")]
    [InlineData("1H")]
    [InlineData("1w")]
    [InlineData("1h30m")]
    [InlineData("PT1H")]
    [InlineData("366d")]
    [InlineData("9999999999")]
    public void Parse_RefusesAnythingElse(string text) =>
        Should.Throw<UserError>(() => Ttl.Parse(text)).Message.ShouldContain("--ttl");
}
