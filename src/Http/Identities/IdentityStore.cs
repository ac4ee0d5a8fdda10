using JasperFx.Events;
using Marten;
using Npgsql;
using ScaiVault.Domain.Identities;
using ScaiVault.Http.Errors;

namespace ScaiVault.Http.Identities;

public enum DeliveryOutcome
{
    /// <summary>The delivery changed the identity: its events were appended.</summary>
    Applied,
    /// <summary>Accepted and recorded, but it changed nothing (a repeat, or older than what is known).</summary>
    Unchanged,
    /// <summary>A delivery with this id was applied before.</summary>
    Replayed,
}

/// <summary>
/// The I/O around the pure identity decisions: load the identity stream in the delivery's tenant,
/// decide, and commit the events together with the record of the delivery id, so that an applied
/// delivery and its id are stored together or not at all.
/// </summary>
public sealed class IdentityStore(IDocumentStore store)
{
    private const int MaxAttempts = 20;

    public async Task<DeliveryOutcome> ApplyAsync(ScaiKeyDelivery delivery, DateTimeOffset receivedAt, CancellationToken ct)
    {
        var key = Identity.KeyFor(delivery.UserId);
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession(delivery.TenantId);
            if (await session.LoadAsync<WebhookDelivery>(delivery.Id, ct) is not null) return DeliveryOutcome.Replayed;

            var stream = await session.Events.FetchForWriting<Identity>(key, ct);
            var events = Decide(stream.Aggregate, delivery).ToArray();
            session.Insert(new WebhookDelivery(delivery.Id, delivery.Type, key, delivery.OccurredAt, receivedAt));
            if (events.Length > 0) stream.AppendMany(events);
            try
            {
                await session.SaveChangesAsync(ct);
                return events.Length > 0 ? DeliveryOutcome.Applied : DeliveryOutcome.Unchanged;
            }
            catch (Exception e) when (ConcurrencyConflicts.IsConflict(e) && attempt < MaxAttempts)
            {
                // Another delivery for this user landed between our read and our write: decide again on
                // the new state. If it was a copy of this very delivery, the next attempt finds its id.
            }
            catch (Exception e) when (IsDuplicateDelivery(e))
            {
                return DeliveryOutcome.Replayed;
            }
        }
    }

    private static IEnumerable<object> Decide(Identity? current, ScaiKeyDelivery d) => d.Type switch
    {
        ScaiKeyEventTypes.UserUpdated => IdentityDecisions.Update(current, d.UserId, d.Groups, d.Roles, d.Disabled, d.OccurredAt),
        ScaiKeyEventTypes.GroupMemberAdded => IdentityDecisions.AddMember(current, d.UserId, d.Group!, d.OccurredAt),
        ScaiKeyEventTypes.GroupMemberRemoved => IdentityDecisions.RemoveMember(current, d.UserId, d.Group!, d.OccurredAt),
        ScaiKeyEventTypes.UserDeleted => IdentityDecisions.Delete(current, d.UserId, d.OccurredAt),
        _ => throw new ArgumentOutOfRangeException(nameof(d), d.Type, "Not a delivery type that changes identities."),
    };

    // Two copies of one delivery racing: the second insert of the delivery id violates the primary key.
    private static bool IsDuplicateDelivery(Exception e) =>
        e is JasperFx.DocumentAlreadyExistsException or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }
        || e.InnerException is { } inner && IsDuplicateDelivery(inner);
}
