using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ScaiVault.Federation.Sync;

/// <summary><c>sync_interval</c>: one or more number+unit parts (<c>30s</c>, <c>15m</c>, <c>1h30m</c>, <c>1d</c>), from 5 s to 7 days.</summary>
public static partial class SyncIntervals
{
    public static readonly TimeSpan Minimum = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Maximum = TimeSpan.FromDays(7);

    public static bool TryParse(string? text, out TimeSpan interval, [NotNullWhen(false)] out string? error)
    {
        interval = TimeSpan.Zero;
        error = null;
        if (string.IsNullOrEmpty(text) || text.Length > 32 || !Whole().IsMatch(text))
        {
            error = "must be a duration such as 30s, 15m, 1h or 1h30m.";
            return false;
        }
        foreach (Match part in Part().Matches(text))
        {
            if (!long.TryParse(part.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 1_000_000)
            {
                error = "has a number that is too large.";
                return false;
            }
            interval += part.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                _ => TimeSpan.FromDays(n),
            };
        }
        if (interval < Minimum || interval > Maximum)
        {
            error = "must be between 5s and 7d.";
            return false;
        }
        return true;
    }

    [GeneratedRegex(@"^(\d+[smhd])+$")]
    private static partial Regex Whole();

    [GeneratedRegex(@"(\d+)([smhd])")]
    private static partial Regex Part();
}
