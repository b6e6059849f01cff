using Upstander.Features.SpeakUp.Escrow;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.SpeakUp.Escrow;

public sealed class AccountTokenBucketsTests
{
    [Fact]
    public void Each_account_gets_its_burst_then_tokens_come_back_with_the_clock_and_never_above_the_burst()
    {
        var clock = new FakeClock();
        var buckets = new AccountTokenBuckets(size: 3, refill: 6, period: TimeSpan.FromHours(1), clock);
        var (ruth, kwame) = (Guid.NewGuid(), Guid.NewGuid());

        Enumerable.Range(0, 3).Select(_ => buckets.TryAcquire(ruth)).ShouldAllBe(taken => taken);
        buckets.TryAcquire(ruth).ShouldBeFalse("the burst is spent");
        buckets.TryAcquire(kwame).ShouldBeTrue("another account has its own bucket");

        clock.Advance(TimeSpan.FromMinutes(10));
        buckets.TryAcquire(ruth).ShouldBeTrue("six an hour: one comes back every ten minutes");
        buckets.TryAcquire(ruth).ShouldBeFalse();

        clock.Advance(TimeSpan.FromDays(1));
        Enumerable.Range(0, 3).Select(_ => buckets.TryAcquire(ruth)).ShouldAllBe(taken => taken);
        buckets.TryAcquire(ruth).ShouldBeFalse("a long pause refills up to the burst, not beyond");
    }

    [Fact]
    public void Full_buckets_are_forgotten_once_there_are_many_and_empty_ones_are_kept()
    {
        var clock = new FakeClock();
        var buckets = new AccountTokenBuckets(size: 1, refill: 1, period: TimeSpan.FromMinutes(1), clock);
        var spent = Guid.NewGuid();
        buckets.TryAcquire(spent).ShouldBeTrue();
        for (var i = 0; i < AccountTokenBuckets.ForgetFullBucketsAbove; i++)
        {
            buckets.TryAcquire(Guid.NewGuid());
        }
        buckets.Count.ShouldBe(AccountTokenBuckets.ForgetFullBucketsAbove + 1, "no sweep until the count passes the bound");

        // A minute on, every bucket has refilled; the next request sweeps them all but its own.
        clock.Advance(TimeSpan.FromMinutes(1));
        buckets.TryAcquire(spent).ShouldBeTrue();
        buckets.Count.ShouldBe(1);
        buckets.TryAcquire(spent).ShouldBeFalse("the sweep kept the limit of the account that is still spending");
    }
}
