using JasperFx.CommandLine;

namespace ScaiVault.Http.Forensics.Commands;

public sealed class ReplayAccessInput : ReplayCommandInput
{
    [Description("The user id (the token's sub) to decide for")]
    [FlagAlias("identity", true)]
    public string IdentityFlag { get; set; } = "";

    [Description("The secret path to decide on")]
    [FlagAlias("path", true)]
    public string PathFlag { get; set; } = "";

    [Description("read (default), write, list, delete or destroy")]
    [FlagAlias("action", true)]
    public string ActionFlag { get; set; } = "read";

    [Description("The groups of the caller's token, comma-separated (they count only while ScaiKey never sent a full profile)")]
    [FlagAlias("token-groups", true)]
    public string TokenGroupsFlag { get; set; } = "";
}

[Description("Replays whether an identity could act on a path at a time, and which rule decided", Name = "replay-access")]
public sealed class ReplayAccessCommand : JasperFxAsyncCommand<ReplayAccessInput>
{
    public override Task<bool> Execute(ReplayAccessInput input) => ReplayCommandRunner.RunAsync(input, async (replay, tenant, at, ct) =>
    {
        if (ReplayQuery.IdentityId(input.IdentityFlag) is { } identityError) return (null, identityError);
        if (ReplayQuery.Path(input.PathFlag) is { } pathError) return (null, pathError);
        var (action, actionError) = ReplayQuery.Action(input.ActionFlag);
        if (actionError is not null) return (null, actionError);
        var (groups, groupsError) = ReplayQuery.Groups(input.TokenGroupsFlag);
        if (groupsError is not null) return (null, groupsError);
        var access = await replay.AccessAsync(tenant, input.IdentityFlag, groups, action, input.PathFlag, at, ct);
        return (json => ReplayJson.WriteAccess(json, access), null);
    });
}
