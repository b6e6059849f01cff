using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Upstander.Platform.Retention;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Retention;

/// <summary>Each feature's retention pass runs as its own background job, on the interval that feature's settings give.</summary>
public sealed class RetentionJobTests
{
    [Fact]
    public async Task Every_pass_has_one_job_on_its_features_interval_and_an_empty_pass_logs_nothing()
    {
        await using var factory = new UpstanderFactory(settings: new Dictionary<string, string?>
        {
            ["PeerSupport:RetentionIntervalMinutes"] = "7",
            ["SpeakUp:RetentionIntervalMinutes"] = "11",
        });
        await factory.CreateOrganisationAsync("Retention Org");
        var passes = factory.Services.GetServices<RetentionPass>().ToList();
        passes.Select(p => p.Name).Order().ShouldBe(["closed reports", "conversations and requests", "evidence bytes left after erasing", "held escrow entries", "password links", "sent mail", "signed-out sessions"]);
        passes.Single(p => p.Name == "conversations and requests").IntervalFrom(factory.Services).ShouldBe(TimeSpan.FromMinutes(7));
        passes.Single(p => p.Name == "closed reports").IntervalFrom(factory.Services).ShouldBe(TimeSpan.FromMinutes(11));
        passes.Single(p => p.Name == "sent mail").IntervalFrom(factory.Services).ShouldBe(TimeSpan.FromHours(1));
        passes.Single(p => p.Name == "held escrow entries").IntervalFrom(factory.Services).ShouldBe(TimeSpan.FromHours(1));
        passes.Single(p => p.Name == "evidence bytes left after erasing").IntervalFrom(factory.Services).ShouldBe(TimeSpan.FromHours(1));

        var jobs = factory.Services.GetServices<IHostedService>().OfType<RetentionJob>().ToList();
        jobs.Count.ShouldBe(passes.Count, "one background job per pass");
        foreach (var job in jobs)
        {
            await job.RunOnceAsync(CancellationToken.None);
        }
        factory.Logs.All.ShouldNotContain("Retention of", customMessage: "nothing was due, so nothing is logged");
    }
}
