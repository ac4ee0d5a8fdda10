using JasperFx.Events;
using Marten;
using Npgsql;
using ScaiVault.Domain;
using ScaiVault.Domain.Secrets;
using ScaiVault.Projections;
using Weasel.Core;
using Wolverine.Marten;

namespace ScaiVault.Http.Setup;

public static class StoreSetup
{
    /// <summary>Marten on PostgreSQL: conjoined tenancy, string stream keys, pinned event names, inline projections.</summary>
    public static WebApplicationBuilder AddScaiVaultStore(this WebApplicationBuilder builder, ScaiVaultSettings settings)
    {
        var connection = new NpgsqlConnectionStringBuilder(settings.Database);
        // A small pool keeps tail latency flat on small hosts; auto-prepare saves a parse per query.
        if (!settings.Database.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase)) connection.MaxPoolSize = 16;
        if (!settings.Database.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase)) connection.MaxAutoPrepare = 64;
        connection.ApplicationName ??= "scaivault";
        var dataSource = new NpgsqlDataSourceBuilder(connection.ConnectionString).Build();
        builder.Services.AddSingleton(dataSource);

        builder.Services.AddMarten(opts =>
            {
                opts.DatabaseSchemaName = settings.Schema;
                opts.UseSystemTextJsonForSerialization(EnumStorage.AsString);

                opts.Events.StreamIdentity = StreamIdentity.AsString;
                opts.Events.TenancyStyle = JasperFx.MultiTenancy.TenancyStyle.Conjoined;
                opts.Policies.AllDocumentsAreMultiTenanted();
                foreach (var (type, name) in EventTypes.All) opts.Events.MapEventType(type, name);

                opts.RegisterDocumentType<SecretKeyRing>();
                opts.RegisterDocumentType<SecretVersionKey>();
                opts.AddScaiVaultProjections();

                // A projection that cannot apply an event is a bug to see, not a row to skip.
                opts.Projections.Errors.SkipApplyErrors = false;
                opts.Projections.Errors.SkipSerializationErrors = false;
                opts.Projections.Errors.SkipUnknownEvents = false;
                opts.Projections.RebuildErrors.SkipApplyErrors = false;
                opts.Projections.RebuildErrors.SkipSerializationErrors = false;
                opts.Projections.RebuildErrors.SkipUnknownEvents = false;
            })
            .UseNpgsqlDataSource()
            .ApplyAllDatabaseChangesOnStartup()
            .IntegrateWithWolverine(w => w.UseWolverineManagedEventSubscriptionDistribution = true);

        // Policies are data in this store; enforcing them on requests is the security pipeline's job.

        builder.Services.AddSingleton<Readiness>();
        builder.Services.AddHostedService<Readiness.Marker>();
        return builder;
    }
}
