namespace ScaiVault.Http.Federation;

/// <summary>
/// A request to deliver a local write to the sync-mode backend that maps its path (write-through). Stored by Wolverine's
/// outbox in the same transaction as the write, so it names the version and never carries the value: the handler reads
/// the secret's current value when it delivers.
/// </summary>
public sealed record DeliverWriteThrough(string Tenant, string BackendId, string Path, int LocalVersion);
