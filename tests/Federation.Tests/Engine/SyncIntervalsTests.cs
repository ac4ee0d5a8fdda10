using ScaiVault.Federation.Sync;

namespace ScaiVault.Federation.Tests.Engine;

public sealed class SyncIntervalsTests
{
    [Theory]
    [InlineData("15m", 900)]
    [InlineData("1h", 3600)]
    [InlineData("1h30m", 5400)]
    [InlineData("30s", 30)]
    [InlineData("1d", 86400)]
    public void Valid_Parses(string text, int seconds)
    {
        SyncIntervals.TryParse(text, out var interval, out var error).ShouldBeTrue(error);
        interval.ShouldBe(TimeSpan.FromSeconds(seconds));
    }

    [Theory]
    [InlineData("")]
    [InlineData("15")]
    [InlineData("15 m")]
    [InlineData("-5m")]
    [InlineData("1s")]
    [InlineData("8d")]
    [InlineData("1.5h")]
    [InlineData("99999999999999999999m")]
    public void Invalid_IsRefusedWithAReason(string text)
    {
        SyncIntervals.TryParse(text, out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNullOrWhiteSpace();
    }
}
