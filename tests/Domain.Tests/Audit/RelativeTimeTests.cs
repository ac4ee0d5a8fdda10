using ScaiVault.Domain.Audit;

namespace ScaiVault.Domain.Tests.Audit;

public sealed class RelativeTimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 20, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("1 hour ago", 3600)]
    [InlineData("1+hour+ago", 3600)]
    [InlineData("  2   hours   ago ", 7200)]
    [InlineData("1 HOUR AGO", 3600)]
    [InlineData("15m", 900)]
    [InlineData("15m ago", 900)]
    [InlineData("-15m", 900)]
    [InlineData("90s", 90)]
    [InlineData("90 seconds ago", 90)]
    [InlineData("2d", 172800)]
    [InlineData("3 days ago", 259200)]
    [InlineData("1w", 604800)]
    [InlineData("2 weeks ago", 1209600)]
    [InlineData("1h", 3600)]
    [InlineData("30 min ago", 1800)]
    [InlineData("now", 0)]
    public void TryParse_TimesAgo_CountBackFromNow(string input, int seconds)
    {
        Assert.True(RelativeTime.TryParse(input, Now, out var at));
        Assert.Equal(Now.AddSeconds(-seconds), at);
    }

    [Theory]
    [InlineData("2026-11-23T18:30:00Z", "2026-11-23T18:30:00Z")]
    [InlineData("2026-11-23T18:30:00.123456Z", "2026-11-23T18:30:00.123456Z")]
    [InlineData("2026-11-23T19:30:00+01:00", "2026-11-23T18:30:00Z")]
    [InlineData("2026-11-23T19:30:00 01:00", "2026-11-23T18:30:00Z")] // '+' turned into a space by the URL
    [InlineData("2026-11-23T13:30:00-05:00", "2026-11-23T18:30:00Z")]
    [InlineData("2026-11-23T18:30:00", "2026-11-23T18:30:00Z")]       // no offset: UTC
    [InlineData("2026-11-23", "2026-11-23T00:00:00Z")]
    public void TryParse_Iso8601_IsAnAbsoluteTime(string input, string expected)
    {
        Assert.True(RelativeTime.TryParse(input, Now, out var at));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), at);
        Assert.Equal(TimeSpan.Zero, at.Offset);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("15")]
    [InlineData("1 hour")]          // a word unit needs "ago"
    [InlineData("hour ago")]
    [InlineData("1 fortnight ago")]
    [InlineData("1.5h")]
    [InlineData("yesterday")]
    [InlineData("2026-13-45")]
    [InlineData("23/11/2026")]
    [InlineData("99999999999999d")]
    [InlineData("1 hour ago; drop table")]
    public void TryParse_Nonsense_IsRefused(string? input)
    {
        Assert.False(RelativeTime.TryParse(input, Now, out _));
    }
}
