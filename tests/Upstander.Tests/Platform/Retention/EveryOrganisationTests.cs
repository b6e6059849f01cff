using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Upstander.Platform.Jobs;
using Upstander.Platform.Retention;
using Upstander.Platform.Tenancy;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Retention;

/// <summary>
/// The leavers job and every retention pass run organisation by organisation through <see cref="EveryOrganisation.SumAsync"/>.
/// One organisation whose part fails (every hour, say) must not stop the others: leavers elsewhere would keep their
/// sessions and tokens, and content elsewhere would be kept past its retention time. Nor may it hide what the others did.
/// </summary>
public sealed class EveryOrganisationTests
{
    private const string DatabaseText = "a value from the database that must not reach the log";

    /// <summary>One unit of work in every organisation but the first listed, whose part throws.</summary>
    private static Task<OrganisationsSum<int>> OneFailsAsync(IServiceScopeFactory scopes, Guid failing, List<Guid>? ran = null) =>
        EveryOrganisation.SumAsync(scopes, services =>
        {
            var organisation = services.GetRequiredService<OrganisationScope>().OrganisationId!.Value;
            if (organisation == failing)
            {
                throw new DbUpdateConcurrencyException(DatabaseText);
            }
            ran?.Add(organisation);
            return Task.FromResult(1);
        }, (a, b) => a + b, 0, CancellationToken.None);

    private static async Task<(UpstanderFactory Factory, List<Guid> Ids)> TwoOrganisationsAsync(Action<IServiceCollection>? services = null)
    {
        var factory = new UpstanderFactory { TestServices = services };
        await factory.CreateOrganisationAsync("Fails First");
        await factory.CreateOrganisationAsync("Runs Anyway");
        var ids = await EveryOrganisation.IdsAsync(factory.Services.GetRequiredService<IServiceScopeFactory>(), CancellationToken.None);
        ids.Count.ShouldBeGreaterThanOrEqualTo(2);
        return (factory, ids);
    }

    [Fact]
    public async Task An_organisation_whose_part_fails_does_not_stop_the_others_and_is_named_once_all_have_run()
    {
        var (factory, ids) = await TwoOrganisationsAsync();
        await using var _ = factory;
        var ran = new List<Guid>();

        var sum = await OneFailsAsync(factory.Services.GetRequiredService<IServiceScopeFactory>(), ids[0], ran);

        ran.ShouldBe(ids.Skip(1));
        sum.Total.ShouldBe(ids.Count - 1, "what the others did is still added up");
        sum.Failures.ShouldBe([(ids[0], nameof(DbUpdateConcurrencyException))]);
        var failed = Should.Throw<OrganisationsFailedException>(sum.ThrowIfAnyFailed);
        failed.Message.ShouldContain(ids[0].ToString());
        failed.Message.ShouldNotContain(DatabaseText);
    }

    /// <summary>
    /// A retention pass in which one organisation fails: the job still logs what the others removed and then fails with
    /// the failed organisation named, and the verb prints both and exits 1.
    /// </summary>
    [Fact]
    public async Task A_retention_pass_that_fails_in_one_organisation_still_reports_what_the_others_removed()
    {
        Guid failing = default;
        var (factory, ids) = await TwoOrganisationsAsync(services => services.AddRetentionPass("test things", _ => TimeSpan.FromHours(1),
            (scopes, _) => failing == default
                // The job's first pass at start, before the test has chosen: nothing to log.
                ? Task.FromResult(new RetentionOutcome(false, "Not yet."))
                : OneFailsAsync(scopes, failing).DescribedAs(n => new(n > 0, $"Removed {n} test things."))));
        await using var _ = factory;
        failing = ids[0];
        var summary = $"Removed {ids.Count - 1} test things.";

        var job = factory.Services.GetServices<IHostedService>().OfType<RetentionJob>().Single(j => j.Pass.Name == "test things");
        var failed = await Should.ThrowAsync<OrganisationsFailedException>(() => job.RunOnceAsync(CancellationToken.None));
        failed.Failures.ShouldBe([(failing, nameof(DbUpdateConcurrencyException))]);
        factory.Logs.All.ShouldContain(summary);

        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand();
        RetentionCli.Add(root, (_, work, _) => work(factory.Services), output, error);
        (await root.Parse(["retention", "run"]).InvokeAsync()).ShouldBe(1);
        output.ToString().ShouldContain(summary);
        error.ToString().ShouldContain($"Retention of test things: Failed for 1 organisation(s), the others ran: {failing} ({nameof(DbUpdateConcurrencyException)}).");
        error.ToString().ShouldNotContain(DatabaseText);
    }
}
