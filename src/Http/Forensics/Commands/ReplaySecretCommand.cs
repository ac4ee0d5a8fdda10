using JasperFx.CommandLine;

namespace ScaiVault.Http.Forensics.Commands;

public sealed class ReplaySecretInput : ReplayCommandInput
{
    [Description("The secret path (apps/billing/db)")]
    public string Path { get; set; } = "";

    [Description("Also print the value a read would have returned at that time (needs the data key to still exist)")]
    [FlagAlias("include-value", true)]
    public bool IncludeValueFlag { get; set; }

    [Description("With --include-value: the version to print (default: the current one at that time)")]
    [FlagAlias("version", true)]
    public int? VersionFlag { get; set; }
}

[Description("Replays a secret's metadata and version list as of a time, from its events alone", Name = "replay-secret")]
public sealed class ReplaySecretCommand : JasperFxAsyncCommand<ReplaySecretInput>
{
    public ReplaySecretCommand()
    {
        Usage("Metadata and versions as of a time").Arguments(x => x.Path);
    }

    public override Task<bool> Execute(ReplaySecretInput input) => ReplayCommandRunner.RunAsync(input, async (replay, tenant, at, ct) =>
    {
        if (ReplayQuery.Path(input.Path) is { } pathError) return (null, pathError);
        if (input.VersionFlag is < 1) return (null, Errors.ApiError.BadRequest("invalid_version", "--version must be a positive whole number."));
        var replayed = await replay.SecretAsync(tenant, input.Path, at, ct);
        if (replayed is null) return (null, ReplayQuery.NothingAt(at));
        ValueAsOf? value = null;
        if (input.IncludeValueFlag)
        {
            (value, var valueError) = await replay.ValueAsync(tenant, replayed, input.VersionFlag, ct);
            if (valueError is not null) return (null, valueError);
        }
        return (json => ReplayJson.WriteSecret(json, replayed, value), null);
    });
}
