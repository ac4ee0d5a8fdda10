namespace ScaiVault.Domain.Secrets;

/// <summary>How a value is shaped on the wire: a JSON object, a JSON string, or base64 bytes.</summary>
public enum SecretType
{
    Json,
    String,
    Binary,
}

public static class SecretTypes
{
    public static string ToWire(this SecretType type) => type switch
    {
        SecretType.Json => "json",
        SecretType.String => "string",
        SecretType.Binary => "binary",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static bool TryParse(string? wire, out SecretType type)
    {
        switch (wire)
        {
            case "json": type = SecretType.Json; return true;
            case "string": type = SecretType.String; return true;
            case "binary": type = SecretType.Binary; return true;
            default: type = default; return false;
        }
    }
}
