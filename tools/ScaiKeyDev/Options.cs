namespace ScaiKeyDev;

/// <summary>
/// <c>--name value</c>, <c>--name=value</c> and bare flags, nothing positional. Each command declares
/// what it accepts, so a typo such as <c>--scope</c> for <c>--scopes</c> is an error instead of a token
/// silently minted without the scopes.
/// </summary>
public sealed class Options
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);
    private readonly HashSet<string> flags = new(StringComparer.Ordinal);

    public static Options Parse(string command, IReadOnlyList<string> args, string[] valueNames, string[]? flagNames = null)
    {
        flagNames ??= [];
        var options = new Options();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new UserError($"`{command}` takes no argument '{arg}'; options start with --.");
            var name = arg[2..];
            string? inline = null;
            if (name.IndexOf('=') is var eq and >= 0) (name, inline) = (name[..eq], name[(eq + 1)..]);

            if (flagNames.Contains(name))
            {
                if (inline is not null) throw new UserError($"--{name} takes no value.");
                options.flags.Add(name);
            }
            else if (valueNames.Contains(name))
            {
                var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new UserError($"--{name} needs a value."));
                if (!options.values.TryAdd(name, value)) throw new UserError($"--{name} is given twice.");
            }
            else
            {
                var known = string.Join(", ", valueNames.Concat(flagNames).Select(n => "--" + n));
                throw new UserError($"`{command}` has no option --{name}" + (known.Length > 0 ? $"; it takes {known}." : "."));
            }
        }
        return options;
    }

    public string? Value(string name) => values.GetValueOrDefault(name);

    public string Required(string name) =>
        string.IsNullOrWhiteSpace(Value(name)) ? throw new UserError($"--{name} is required.") : Value(name)!.Trim();

    public bool Flag(string name) => flags.Contains(name);

    /// <summary>Comma-separated lists (<c>--groups a,b</c>); blanks between commas are dropped.</summary>
    public IReadOnlyList<string> List(string name, params char[] separators) =>
        Value(name)?.Split(separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
