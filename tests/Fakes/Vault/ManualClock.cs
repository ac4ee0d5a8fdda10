namespace ScaiVault.Fakes;

/// <summary>
/// A clock tests move by hand, so token TTLs and renewals are exercised without sleeping. Shared by a
/// fake server and the adapter under test (both take a <see cref="TimeProvider"/>).
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public ManualClock() : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)) { }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
