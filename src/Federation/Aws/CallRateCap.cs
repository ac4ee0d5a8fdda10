namespace ScaiVault.Federation.Aws;

/// <summary>
/// A token bucket on a <see cref="TimeProvider"/>: at most a second's budget of calls, refilled once per
/// second (caps below 1/s: one call per 1/rate seconds); callers beyond it wait in order.
/// </summary>
/// <remarks>
/// Not <c>System.Threading.RateLimiting.TokenBucketRateLimiter</c>: even with manual replenishment it
/// checks elapsed <c>Stopwatch</c> time before refilling, so it cannot follow an injected clock and the
/// cap could only be tested with real waits.
/// </remarks>
internal sealed class CallRateCap : IDisposable
{
    private readonly object _lock = new();
    private readonly Queue<TaskCompletionSource> _waiting = new();
    private readonly int _perTick;
    private readonly ITimer _timer;
    private int _tokens;

    public CallRateCap(double callsPerSecond, TimeProvider time)
    {
        _perTick = callsPerSecond >= 1 ? (int)Math.Round(callsPerSecond) : 1;
        var tick = callsPerSecond >= 1 ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(1 / callsPerSecond);
        _tokens = _perTick;
        _timer = time.CreateTimer(_ => Refill(), null, tick, tick);
    }

    /// <summary>Callers waiting for budget right now.</summary>
    public int Queued
    {
        get { lock (_lock) return _waiting.Count(w => !w.Task.IsCompleted); }
    }

    public Task WaitAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            if (_tokens > 0 && _waiting.Count == 0)
            {
                _tokens--;
                return Task.CompletedTask;
            }
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter);
            if (ct.CanBeCanceled)
            {
                var registration = ct.Register(() => waiter.TrySetCanceled(ct));
                waiter.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
            }
            return waiter.Task;
        }
    }

    private void Refill()
    {
        lock (_lock)
        {
            _tokens = _perTick;
            while (_tokens > 0 && _waiting.TryDequeue(out var waiter))
                if (waiter.TrySetResult()) _tokens--;   // a cancelled waiter costs nothing
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        lock (_lock)
            while (_waiting.TryDequeue(out var waiter)) waiter.TrySetCanceled();
    }
}
