namespace ScaiVault.Domain.Identities;

/// <summary>
/// A ScaiKey delivery that was applied, keyed by its delivery id and inserted in the same transaction
/// as the events it produced: a second delivery with the same id fails to insert, so a replay is
/// refused even inside the signature's time window and even when two copies race.
/// </summary>
public sealed record WebhookDelivery(string Id, string Type, string IdentityId, DateTimeOffset OccurredAt, DateTimeOffset ReceivedAt);
