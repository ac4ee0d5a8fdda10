namespace ScaiVault.Http.Forensics;

public static class ForensicErrorCodes
{
    /// <summary>400: <c>at</c> missing, not ISO 8601, or in the future.</summary>
    public const string InvalidTime = "invalid_time";

    /// <summary>403: <c>include_value=true</c> without the <c>admin</c> scope.</summary>
    public const string ValueNeedsAdmin = "value_requires_admin";

    /// <summary>410: the version was readable at the replayed time but has been destroyed since (its data key is gone).</summary>
    public const string ValueShredded = "value_shredded";
}
