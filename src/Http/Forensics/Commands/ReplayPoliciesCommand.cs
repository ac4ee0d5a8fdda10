using JasperFx.CommandLine;

namespace ScaiVault.Http.Forensics.Commands;

[Description("Replays every policy of a tenant, with rules and bindings, as of a time, from the events alone", Name = "replay-policies")]
public sealed class ReplayPoliciesCommand : JasperFxAsyncCommand<ReplayCommandInput>
{
    public override Task<bool> Execute(ReplayCommandInput input) => ReplayCommandRunner.RunAsync(input, async (replay, tenant, at, ct) =>
    {
        var replayed = await replay.PoliciesAsync(tenant, at, ct);
        return (json => ReplayJson.WritePolicies(json, replayed), null);
    });
}
