using System.Globalization;
using System.Text.RegularExpressions;

namespace ScaiVault.Domain.Audit;

/// <summary>
/// Reads a point in time given by a person or a script. This version understands ISO 8601 only
/// (<c>2026-11-23T20:08:32.848221Z</c>, an offset, or a date alone meaning its midnight UTC); a time
/// without an offset is taken as UTC. Relative forms (<c>1 hour ago</c>) come with the audit log.
/// </summary>
public static partial class RelativeTime
{
    public static bool TryParse(string input, DateTimeOffset now, out DateTimeOffset at)
    {
        at = default;
        if (string.IsNullOrWhiteSpace(input)) return false;
        var text = input.Trim();
        // Culture-free and year first: "01/02/2026" means different days in different places.
        if (!IsoShape().IsMatch(text)) return false;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)) return false;
        at = parsed;
        return true;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})?)?\z")]
    private static partial Regex IsoShape();
}
