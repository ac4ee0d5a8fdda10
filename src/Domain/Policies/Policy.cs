namespace ScaiVault.Domain.Policies;

/// <summary>
/// The write model of a policy and, projected inline, the document that reads and evaluations load. It
/// holds its bindings, so "the policies bound to these subjects" is one query on one table. A removed
/// policy stays as a tombstone (<see cref="Removed"/>, no rules, no bindings) until it is defined again.
/// </summary>
public sealed record Policy(
    string Id,
    string Name,
    string? Description,
    int Priority,
    PolicyRule[] Rules,
    string[] Bindings,
    bool Removed,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    string UpdatedBy,
    DateTimeOffset UpdatedAt)
{
    public static Policy Create(PolicyDefined e) =>
        new(e.PolicyId, e.Name, e.Description, e.Priority, e.Rules, [], false, e.DefinedBy, e.DefinedAt, e.DefinedBy, e.DefinedAt);

    // Defining a removed policy again starts from nothing: old bindings do not come back with the name.
    public Policy Apply(PolicyDefined e) => Create(e);

    public Policy Apply(PolicyChanged e) =>
        this with { Description = e.Description, Priority = e.Priority, Rules = e.Rules, UpdatedBy = e.ChangedBy, UpdatedAt = e.ChangedAt };

    public Policy Apply(PolicyBound e) => this with
    {
        Bindings = [.. Bindings.Append(e.Subject).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
        UpdatedBy = e.BoundBy,
        UpdatedAt = e.BoundAt,
    };

    public Policy Apply(PolicyUnbound e) => this with
    {
        Bindings = [.. Bindings.Where(b => !string.Equals(b, e.Subject, StringComparison.Ordinal))],
        UpdatedBy = e.UnboundBy,
        UpdatedAt = e.UnboundAt,
    };

    public Policy Apply(PolicyRemoved e) =>
        this with { Removed = true, Rules = [], Bindings = [], UpdatedBy = e.RemovedBy, UpdatedAt = e.RemovedAt };

    [System.Text.Json.Serialization.JsonIgnore]
    public bool Exists => !Removed;

    public bool IsBoundTo(string subject) => Bindings.Contains(subject, StringComparer.Ordinal);

    public EvaluablePolicy ToEvaluable() => new(Name, Priority, Rules);
}
