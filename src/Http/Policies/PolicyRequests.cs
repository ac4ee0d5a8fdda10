using System.Text.Json;
using FluentValidation;
using ScaiVault.Domain.Policies;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Json;

namespace ScaiVault.Http.Policies;

/// <summary>One rule as sent: <c>{"path", "actions": [...], "effect"}</c>, not yet checked for values.</summary>
public sealed record RuleInput(string Path, IReadOnlyList<string> Actions, string Effect)
{
    public PolicyRule ToRule()
    {
        PolicyWire.TryParseEffect(Effect, out var effect);
        var actions = Actions.Select(a => { PolicyWire.TryParseAction(a, out var action); return action; }).Distinct().ToArray();
        return new PolicyRule(Path, actions, effect);
    }
}

/// <summary>Body of <c>POST /v1/policies</c> and <c>PUT /v1/policies/{name}</c> (whose name comes from the route).</summary>
public sealed record PolicyBody(string? Name, string? Description, int Priority, IReadOnlyList<RuleInput> Rules)
{
    public const int DefaultPriority = 100;

    public PolicyRule[] ToRules() => [.. Rules.Select(r => r.ToRule())];
}

/// <summary>Body of <c>POST /v1/policies/{name}/bindings</c>.</summary>
public sealed record BindingBody(string Subject);

/// <summary>Body of <c>POST /v1/policies/evaluate</c>.</summary>
public sealed record EvaluateBody(IReadOnlyList<string> Subjects, string Action, string Path);

/// <summary>Wire names: actions by their snake_case enum name, effects <c>allow</c> and <c>deny</c>.</summary>
public static class PolicyWire
{
    private static readonly Dictionary<string, PolicyAction> Actions =
        Enum.GetValues<PolicyAction>().ToDictionary(a => ToWire(a), a => a, StringComparer.Ordinal);

    public static readonly string ActionList = string.Join(", ", Enum.GetValues<PolicyAction>().Select(a => ToWire(a)));

    public static string ToWire(this PolicyAction action) => JsonNamingPolicy.SnakeCaseLower.ConvertName(action.ToString());

    public static string ToWire(this PolicyEffect effect) => effect == PolicyEffect.Allow ? "allow" : "deny";

    public static bool TryParseAction(string? wire, out PolicyAction action)
    {
        action = default;
        return wire is not null && Actions.TryGetValue(wire, out action);
    }

    public static bool TryParseEffect(string? wire, out PolicyEffect effect)
    {
        switch (wire)
        {
            case "allow": effect = PolicyEffect.Allow; return true;
            case "deny": effect = PolicyEffect.Deny; return true;
            default: effect = default; return false;
        }
    }
}

/// <summary>
/// Structural reading of the policy bodies: wrong JSON types, missing and unknown fields are named
/// precisely. Value rules (grammar, ranges, counts) live in the FluentValidation validators below.
/// </summary>
public static class PolicyRequestReader
{
    /// <summary>Body, structure and rules, in that order.</summary>
    public static async Task<(T Body, ApiError? Error)> ReadAsync<T>(HttpContext context, Func<JsonElement, (T? Body, ApiError? Error)> read,
        IValidator<T> validator) where T : class
    {
        var (root, bodyError) = await JsonBody.ReadObjectAsync(context);
        if (bodyError is not null) return (null!, bodyError);
        var (body, readError) = read(root);
        if (readError is not null) return (null!, readError);
        var result = validator.Validate(body!);
        if (!result.IsValid) return (null!, ApiError.BadRequest(ErrorCodes.InvalidRequest, result.Errors[0].ErrorMessage));
        return (body!, null);
    }

    public static (PolicyBody? Body, ApiError? Error) ReadCreate(JsonElement root) => ReadPolicy(root, nameRequired: true);

    public static (PolicyBody? Body, ApiError? Error) ReadReplace(JsonElement root) => ReadPolicy(root, nameRequired: false);

    public static (BindingBody? Body, ApiError? Error) ReadBinding(JsonElement root)
    {
        if (Unknown(root, "$", "subject") is { } unknown) return (null, unknown);
        var (subject, error) = RequiredString(root, "subject", "subject");
        return error is not null ? (null, error) : (new BindingBody(subject!), null);
    }

    public static (EvaluateBody? Body, ApiError? Error) ReadEvaluate(JsonElement root)
    {
        if (Unknown(root, "$", "subjects", "action", "path") is { } unknown) return (null, unknown);
        if (!root.TryGetProperty("subjects", out var subjects) || subjects.ValueKind == JsonValueKind.Null)
            return (null, Invalid("subjects", "is required (an array of identity:… and group:… subjects)."));
        var (list, listError) = StringArray(subjects, "subjects");
        if (listError is not null) return (null, listError);
        var (action, actionError) = RequiredString(root, "action", "action");
        if (actionError is not null) return (null, actionError);
        var (path, pathError) = RequiredString(root, "path", "path");
        if (pathError is not null) return (null, pathError);
        return (new EvaluateBody(list!, action!, path!), null);
    }

    private static (PolicyBody? Body, ApiError? Error) ReadPolicy(JsonElement root, bool nameRequired)
    {
        if (Unknown(root, "$", "name", "description", "priority", "rules") is { } unknown) return (null, unknown);

        string? name = null;
        if (nameRequired || root.TryGetProperty("name", out _))
        {
            var (value, error) = RequiredString(root, "name", "name");
            if (error is not null) return (null, error);
            name = value;
        }

        string? description = null;
        if (root.TryGetProperty("description", out var descriptionElement) && descriptionElement.ValueKind != JsonValueKind.Null)
        {
            if (descriptionElement.ValueKind != JsonValueKind.String) return (null, Invalid("description", "must be a string."));
            description = descriptionElement.GetString();
        }

        var priority = PolicyBody.DefaultPriority;
        if (root.TryGetProperty("priority", out var priorityElement) && priorityElement.ValueKind != JsonValueKind.Null)
        {
            if (priorityElement.ValueKind != JsonValueKind.Number || !priorityElement.TryGetInt32(out priority))
                return (null, Invalid("priority", "must be a whole number."));
        }

        if (!root.TryGetProperty("rules", out var rulesElement) || rulesElement.ValueKind == JsonValueKind.Null)
            return (null, Invalid("rules", "is required (an array of {\"path\", \"actions\", \"effect\"} objects)."));
        if (rulesElement.ValueKind != JsonValueKind.Array) return (null, Invalid("rules", "must be an array of rule objects."));
        var rules = new List<RuleInput>();
        var index = 0;
        foreach (var ruleElement in rulesElement.EnumerateArray())
        {
            var (rule, error) = ReadRule(ruleElement, $"rules[{index++}]");
            if (error is not null) return (null, error);
            rules.Add(rule!);
        }
        return (new PolicyBody(name, description, priority, rules), null);
    }

    private static (RuleInput? Rule, ApiError? Error) ReadRule(JsonElement rule, string field)
    {
        if (rule.ValueKind != JsonValueKind.Object) return (null, Invalid(field, "must be an object with path, actions and effect."));
        if (Unknown(rule, field, "path", "actions", "effect") is { } unknown) return (null, unknown);
        var (path, pathError) = RequiredString(rule, "path", $"{field}.path");
        if (pathError is not null) return (null, pathError);
        if (!rule.TryGetProperty("actions", out var actionsElement) || actionsElement.ValueKind == JsonValueKind.Null)
            return (null, Invalid($"{field}.actions", $"is required (an array of: {PolicyWire.ActionList})."));
        var (actions, actionsError) = StringArray(actionsElement, $"{field}.actions");
        if (actionsError is not null) return (null, actionsError);
        var (effect, effectError) = RequiredString(rule, "effect", $"{field}.effect");
        if (effectError is not null) return (null, effectError);
        return (new RuleInput(path!, actions!, effect!), null);
    }

    private static (string? Value, ApiError? Error) RequiredString(JsonElement parent, string property, string field)
    {
        if (!parent.TryGetProperty(property, out var element) || element.ValueKind == JsonValueKind.Null)
            return (null, Invalid(field, "is required."));
        return element.ValueKind == JsonValueKind.String ? (element.GetString(), null) : (null, Invalid(field, "must be a string."));
    }

    private static (IReadOnlyList<string>? Values, ApiError? Error) StringArray(JsonElement element, string field)
    {
        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            return (null, Invalid(field, "must be an array of strings."));
        return ([.. element.EnumerateArray().Select(e => e.GetString()!)], null);
    }

    private static ApiError? Unknown(JsonElement obj, string where, params string[] known)
    {
        var unknown = obj.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !known.Contains(n));
        if (unknown is null) return null;
        var name = unknown.Length <= 64 ? unknown : unknown[..64] + "…";
        var of = where == "$" ? "this request" : where;
        return ApiError.BadRequest(ErrorCodes.InvalidRequest, $"'{name}' is not a field of {of}; known fields are: {string.Join(", ", known)}.");
    }

    private static ApiError Invalid(string field, string rule) => ApiError.BadRequest(ErrorCodes.InvalidRequest, $"{field} {rule}");
}

public sealed class PolicyBodyValidator : AbstractValidator<PolicyBody>
{
    public const int MaxRules = 100;
    public const int MinPriority = 0;
    public const int MaxPriority = 10_000;
    public const int MaxDescriptionLength = 1024;

    public PolicyBodyValidator()
    {
        RuleFor(b => b.Name).Custom((name, context) =>
        {
            if (name is not null && !PolicyKey.TryValidateName(name, out var error)) context.AddFailure("name", "name " + error);
        });
        RuleFor(b => b.Description)
            .Must(d => d is null || (d.Length <= MaxDescriptionLength && !d.Any(c => char.IsControl(c) && c is not ('\n' or '\t'))))
            .WithMessage($"description must be at most {MaxDescriptionLength} characters without control characters.");
        RuleFor(b => b.Priority).InclusiveBetween(MinPriority, MaxPriority)
            .WithMessage($"priority must be a whole number from {MinPriority} to {MaxPriority} (lower is evaluated first; default {PolicyBody.DefaultPriority}).");
        RuleFor(b => b.Rules).Custom((rules, context) =>
        {
            if (rules.Count == 0) { context.AddFailure("rules", "rules must hold at least one rule."); return; }
            if (rules.Count > MaxRules) { context.AddFailure("rules", $"rules holds {rules.Count} rules; at most {MaxRules} are allowed."); return; }
            for (var i = 0; i < rules.Count; i++)
            {
                var rule = rules[i];
                if (!PathPattern.TryParse(rule.Path, out _, out var patternError))
                    context.AddFailure($"rules[{i}].path", $"rules[{i}].path: {patternError}");
                if (rule.Actions.Count == 0)
                    context.AddFailure($"rules[{i}].actions", $"rules[{i}].actions must name at least one of: {PolicyWire.ActionList}.");
                for (var a = 0; a < rule.Actions.Count; a++)
                    if (!PolicyWire.TryParseAction(rule.Actions[a], out _))
                        context.AddFailure($"rules[{i}].actions", $"rules[{i}].actions[{a}] is not an action; known are: {PolicyWire.ActionList}.");
                if (!PolicyWire.TryParseEffect(rule.Effect, out _))
                    context.AddFailure($"rules[{i}].effect", $"rules[{i}].effect must be allow or deny.");
            }
        });
    }
}

public sealed class BindingBodyValidator : AbstractValidator<BindingBody>
{
    public BindingBodyValidator()
    {
        RuleFor(b => b.Subject).Custom((subject, context) =>
        {
            if (!PolicySubject.TryValidate(subject, out var error)) context.AddFailure("subject", "subject " + error);
        });
    }
}

public sealed class EvaluateBodyValidator : AbstractValidator<EvaluateBody>
{
    public const int MaxSubjects = 1000;

    public EvaluateBodyValidator()
    {
        RuleFor(b => b.Subjects).Custom((subjects, context) =>
        {
            if (subjects.Count > MaxSubjects) { context.AddFailure("subjects", $"subjects holds more than {MaxSubjects} subjects."); return; }
            for (var i = 0; i < subjects.Count; i++)
                if (!PolicySubject.TryValidate(subjects[i], out var error)) context.AddFailure("subjects", $"subjects[{i}] {error}");
        });
        RuleFor(b => b.Action).Must(a => PolicyWire.TryParseAction(a, out _))
            .WithMessage($"action must be one of: {PolicyWire.ActionList}.");
        RuleFor(b => b.Path).Custom((path, context) =>
        {
            if (!SecretPath.TryValidate(path, out var error)) context.AddFailure("path", "path: " + error);
        });
    }
}
