using System.Collections.Immutable;

namespace ScaiVault.Domain.Secrets;

/// <summary>Descriptive data about a secret. Never secret itself: it is stored and logged in the clear.</summary>
public sealed record SecretMetadata(
    ImmutableArray<string> Tags,
    string? Description,
    string? Owner,
    ImmutableSortedDictionary<string, string> Custom)
{
    public static readonly SecretMetadata Empty = new([], null, null, ImmutableSortedDictionary<string, string>.Empty);

    public bool SameAs(SecretMetadata other) =>
        Tags.SequenceEqual(other.Tags) && Description == other.Description && Owner == other.Owner &&
        Custom.Count == other.Custom.Count && Custom.All(kv => other.Custom.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
