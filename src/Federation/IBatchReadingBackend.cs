namespace ScaiVault.Federation;

/// <summary>
/// Optional capability of an adapter that can read many current values in fewer calls than one per
/// secret (AWS <c>BatchGetSecretValue</c>: 20 per call). The sync engine uses it when the adapter has it
/// and falls back to <see cref="IFederationBackend.ReadAsync"/> otherwise.
/// </summary>
public interface IBatchReadingBackend
{
    /// <summary>
    /// Current values of the given names. Every name ends up in exactly one of the result's maps:
    /// <see cref="BatchReadResult.Found"/> (null value = nothing at that name) or <see cref="BatchReadResult.Failed"/>.
    /// </summary>
    Task<BatchReadResult> ReadManyAsync(IReadOnlyCollection<string> names, CancellationToken ct);
}

public sealed record BatchReadResult(
    IReadOnlyDictionary<string, RemoteSecret?> Found,
    IReadOnlyDictionary<string, FederationBackendException> Failed);
