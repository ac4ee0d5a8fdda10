namespace ScaiKeyDev;

/// <summary>Where the key pair lives when no <c>--dir</c> is given.</summary>
public static class KeyDirectory
{
    public const string SolutionFile = "ScaiVault.sln";

    /// <summary>
    /// <c>.data/dev/scaikey</c> next to ScaiVault.sln, beside the root key ops/run.sh keeps in
    /// <c>.data/dev</c> (git-ignored). The current directory is tried first so that a second checkout
    /// uses its own keys; the binary's location covers running from outside the checkout.
    /// </summary>
    public static string Resolve(string? dirOption)
    {
        if (!string.IsNullOrWhiteSpace(dirOption)) return Path.GetFullPath(dirOption);
        var root = FindRepoRoot(Directory.GetCurrentDirectory()) ?? FindRepoRoot(AppContext.BaseDirectory)
            ?? throw new UserError($"Could not find {SolutionFile} above the current directory; pass --dir DIR.");
        return Path.Combine(root, ".data", "dev", "scaikey");
    }

    public static string? FindRepoRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        return null;
    }
}
