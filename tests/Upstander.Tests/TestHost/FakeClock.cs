namespace Upstander.Tests.TestHost;

/// <summary>A clock the test moves by hand. Starts at the real time so tokens and cookies behave normally.</summary>
public sealed class FakeClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow.AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
