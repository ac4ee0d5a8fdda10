using JasperFx.Events;

namespace ScaiVault.Http.Errors;

public static class ConcurrencyConflicts
{
    /// <summary>
    /// Whether a commit lost an optimistic-concurrency race on a stream. Marten reports two writers racing
    /// to create one stream with its own <c>Marten.Exceptions.ExistingStreamIdCollisionException</c>, not
    /// the JasperFx.Events type of the same name: both are listed, or a lost create race escapes as a 500.
    /// </summary>
    public static bool IsConflict(Exception e) =>
        e is JasperFx.ConcurrencyException or ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException
            or EventStreamUnexpectedMaxEventIdException
        || e.InnerException is { } inner && IsConflict(inner);
}
