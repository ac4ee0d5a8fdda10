using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace ScaiVault.Http.Federation;

/// <summary>
/// Wolverine handler of <see cref="DeliverWriteThrough"/> on a durable local queue. A backend that cannot take the write
/// now (down, slow, throttling, refusing our credentials) is retried with growing delays and then every 15 minutes for
/// as long as it takes: at-least-once delivery. The status endpoint shows each failing path meanwhile.
/// </summary>
public static class WriteThroughHandler
{
    public const string Queue = "federation-write-through";

    public static readonly TimeSpan[] RetryDelays =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15)];

    public static void Configure(HandlerChain chain)
    {
        chain.OnException<WriteThroughRetry>().ScheduleRetryIndefinitely(RetryDelays);
        // Anything else (the database briefly unreachable) gets a few tries, then the dead-letter table.
        chain.OnAnyException().ScheduleRetry(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1));
    }

    public static Task Handle(DeliverWriteThrough message, WriteThroughDelivery delivery, Envelope envelope, CancellationToken ct) =>
        delivery.DeliverAsync(message, Math.Max(1, envelope.Attempts), ct);
}

/// <summary>The backend could not take a write-through now; Wolverine schedules the next attempt. The message holds no value.</summary>
public sealed class WriteThroughRetry(string message, Exception inner) : Exception(message, inner);
