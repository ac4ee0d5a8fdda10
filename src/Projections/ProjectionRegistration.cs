using JasperFx.Events.Projections;
using Marten;
using ScaiVault.Projections.Audit;
using ScaiVault.Projections.Federation;
using ScaiVault.Projections.Policies;
using ScaiVault.Projections.Identities;
using ScaiVault.Projections.Secrets;

namespace ScaiVault.Projections;

public static class ProjectionRegistration
{
    public static StoreOptions AddScaiVaultProjections(this StoreOptions opts)
    {
        // Inline: a writer reads its own write, and a read is a single document load.
        opts.Projections.Add<SecretProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<SecretVersionHistoryProjection>(ProjectionLifecycle.Inline);
        // Inline too: a policy change must be seen by the very next evaluation, never after a daemon's lag.
        opts.Projections.Add<PolicyProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<IdentityProjection>(ProjectionLifecycle.Inline);
        // Async: a request waits for its audit event to be durable, never for the query view of it.
        opts.Projections.Add<AuditLogProjection>(ProjectionLifecycle.Async);
        // Inline: the backends API answers with its own write, and the sync engine reads open conflicts
        // (manual exclusions) and resolution baselines before every run.
        opts.Projections.Add<FederationBackendProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<BackendStatusProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<BackendConflictsProjection>(ProjectionLifecycle.Inline);
        return opts;
    }
}
