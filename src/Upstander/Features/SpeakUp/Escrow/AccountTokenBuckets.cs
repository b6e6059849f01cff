namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>
/// A token bucket per account, in memory, on the injected clock: <c>size</c> at once, refilled continuously at
/// <c>refill</c> tokens per period. Reading the clock at each request (rather than topping buckets up on a timer)
/// keeps the limit exact under a test's clock and free of a whole period's refill arriving at one instant. Buckets
/// that have filled up again are forgotten once there are many; the next sweep waits until the count has doubled,
/// so a crowd of busy accounts does not make every request walk them all. Thread-safe.
/// </summary>
public sealed class AccountTokenBuckets(int size, int refill, TimeSpan period, TimeProvider clock)
{
    internal const int ForgetFullBucketsAbove = 10_000;
    private readonly double _size = Math.Max(1, size);
    private readonly double _perTick = Math.Max(1, refill) / (double)period.Ticks;
    private readonly Dictionary<Guid, (double Tokens, DateTimeOffset At)> _buckets = [];
    private readonly Lock _gate = new();
    private int _sweepAbove = ForgetFullBucketsAbove;

    /// <summary>How many accounts have a bucket held in memory.</summary>
    internal int Count
    {
        get
        {
            lock (_gate)
            {
                return _buckets.Count;
            }
        }
    }

    /// <summary>Takes one token from the account's bucket; false when it is empty.</summary>
    public bool TryAcquire(Guid caller)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (_buckets.Count > _sweepAbove)
            {
                foreach (var (key, bucket) in _buckets)
                {
                    if (Level(bucket, now) >= _size)
                    {
                        _buckets.Remove(key);
                    }
                }
                _sweepAbove = Math.Max(ForgetFullBucketsAbove, _buckets.Count * 2);
            }
            var tokens = _buckets.TryGetValue(caller, out var found) ? Level(found, now) : _size;
            if (tokens < 1)
            {
                _buckets[caller] = (tokens, now);
                return false;
            }
            _buckets[caller] = (tokens - 1, now);
            return true;
        }
    }

    private double Level((double Tokens, DateTimeOffset At) bucket, DateTimeOffset now) =>
        Math.Min(_size, bucket.Tokens + Math.Max(0, (now - bucket.At).Ticks) * _perTick);
}
