using System.Globalization;
using System.Text.RegularExpressions;

namespace ScaiKeyDev;

/// <summary>Token lifetimes as typed on a command line: <c>3600</c>, <c>3600s</c>, <c>15m</c>, <c>1h</c>, <c>7d</c>.</summary>
public static partial class Ttl
{
    // A dev token that outlives a year is a mistake, and the cap keeps exp far from DateTime's range.
    public static readonly TimeSpan Max = TimeSpan.FromDays(365);

    public static TimeSpan Parse(string text)
    {
        var match = Pattern.Match(text.Trim());
        if (!match.Success)
            throw new UserError($"--ttl '{text}' is not a duration; use a whole number with s, m, h or d, e.g. 3600s, 15m, 1h.");
        var amount = long.Parse(match.Groups["amount"].Value, CultureInfo.InvariantCulture);
        var unitSeconds = match.Groups["unit"].Value switch { "m" => 60L, "h" => 3600L, "d" => 86400L, _ => 1L };
        var seconds = amount * unitSeconds;
        if (seconds <= 0) throw new UserError($"--ttl '{text}' must be longer than zero.");
        if (seconds > Max.TotalSeconds) throw new UserError($"--ttl '{text}' is longer than the 365d this tool allows.");
        return TimeSpan.FromSeconds(seconds);
    }

    // At most 9 digits, so amount * 86400 cannot overflow a long before the range check.
    [GeneratedRegex("^(?<amount>[0-9]{1,9})(?<unit>[smhd]?)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern { get; }
}
