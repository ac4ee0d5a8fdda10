using System.Globalization;
using System.Text.RegularExpressions;

namespace ScaiVault.Domain.Audit;

/// <summary>
/// The time forms the audit query accepts for <c>from</c>/<c>to</c>: ISO 8601 (<c>2026-11-23T20:00:00Z</c>,
/// <c>2026-11-23</c> = midnight UTC, an offset such as <c>+01:00</c> even when the URL turned its '+'
/// into a space), <c>now</c>, and times ago: <c>1 hour ago</c> (also <c>1+hour+ago</c>), <c>15m</c>,
/// <c>2d</c>, <c>90 seconds ago</c>. Units: s/sec/second, m/min/minute, h/hr/hour, d/day, w/week
/// (singular or plural). Pure: the current time is given.
/// </summary>
public static partial class RelativeTime
{
    private static readonly TimeSpan Longest = TimeSpan.FromDays(366 * 100);

    public static bool TryParse(string? input, DateTimeOffset now, out DateTimeOffset at)
    {
        at = default;
        if (string.IsNullOrWhiteSpace(input) || input.Length > 64) return false;
        var text = input.Trim().Replace('+', ' ');
        text = Spaces().Replace(text, " ").ToLowerInvariant();

        if (text == "now")
        {
            at = now;
            return true;
        }

        var ago = Ago().Match(text);
        if (ago.Success)
        {
            if (!long.TryParse(ago.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return false;
            var unit = UnitOf(ago.Groups["unit"].Value);
            if (unit is null) return false;
            // A bare "15" is not a time; a word unit needs "ago" unless it is the short form ("15m").
            var shortForm = ago.Groups["unit"].Value.Length <= 3 && ago.Groups["space"].Value.Length == 0;
            if (!shortForm && !ago.Groups["ago"].Success) return false;
            if (n > Longest.Ticks / unit.Value.Ticks) return false;
            var span = TimeSpan.FromTicks(unit.Value.Ticks * n);
            if (span > Longest) return false;
            at = now - span;
            return true;
        }

        return TryIso(input.Trim(), out at);
    }

    private static bool TryIso(string text, out DateTimeOffset at)
    {
        at = default;
        if (!IsoShape().IsMatch(text)) return false;
        // "2026-11-23T20:00:00+01:00" arrives from a query string as "...00 01:00" when the '+' was not escaped.
        var repaired = SpacedOffset().Replace(text, "+$1");
        return DateTimeOffset.TryParse(repaired, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
    }

    private static TimeSpan? UnitOf(string unit) => unit switch
    {
        "s" or "sec" or "secs" or "second" or "seconds" => TimeSpan.FromSeconds(1),
        "m" or "min" or "mins" or "minute" or "minutes" => TimeSpan.FromMinutes(1),
        "h" or "hr" or "hrs" or "hour" or "hours" => TimeSpan.FromHours(1),
        "d" or "day" or "days" => TimeSpan.FromDays(1),
        "w" or "week" or "weeks" => TimeSpan.FromDays(7),
        _ => null,
    };

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^-?(?<n>\d{1,12})(?<space> ?)(?<unit>[a-z]+)(?<ago> ago)?$")]
    private static partial Regex Ago();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([t ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?)?(z| ?[+-]?\d{2}:?\d{2})?$", RegexOptions.IgnoreCase)]
    private static partial Regex IsoShape();

    [GeneratedRegex(@"(?<=\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?) (\d{2}:?\d{2})$")]
    private static partial Regex SpacedOffset();
}
