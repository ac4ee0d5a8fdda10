namespace ScaiVault.Http.Setup;

/// <summary>
/// Set once the start-up schema migration has run. Hosted services start in registration order, and
/// the marker is registered after Marten's migration step, so it flips only once the schema is there.
/// </summary>
public sealed class Readiness
{
    public bool SchemaApplied { get; private set; }

    public sealed class Marker(Readiness readiness) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            readiness.SchemaApplied = true;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
