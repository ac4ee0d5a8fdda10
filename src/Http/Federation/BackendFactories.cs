using ScaiVault.Federation;

namespace ScaiVault.Http.Federation;

/// <summary>The backend types this node can federate: one registered <see cref="IFederationBackendFactory"/> each.</summary>
public sealed class BackendFactories(IEnumerable<IFederationBackendFactory> factories)
{
    private readonly Dictionary<string, IFederationBackendFactory> _byType =
        factories.GroupBy(f => f.Type, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    public IFederationBackendFactory? Find(string type) => _byType.GetValueOrDefault(type);

    public IReadOnlyList<string> Types => [.. _byType.Keys.Order(StringComparer.Ordinal)];
}
