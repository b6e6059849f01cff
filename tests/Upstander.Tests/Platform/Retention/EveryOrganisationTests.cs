using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Platform.Jobs;
using Upstander.Platform.Tenancy;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Retention;

/// <summary>
/// The leavers job and every retention pass run organisation by organisation through <see cref="EveryOrganisation.SumAsync"/>.
/// One organisation whose part fails (every hour, say) must not stop the others: leavers elsewhere would keep their
/// sessions and tokens, and content elsewhere would be kept past its retention time.
/// </summary>
public sealed class EveryOrganisationTests
{
    [Fact]
    public async Task An_organisation_whose_part_fails_does_not_stop_the_others_and_is_named_once_all_have_run()
    {
        await using var factory = new UpstanderFactory();
        await factory.CreateOrganisationAsync("Fails First");
        await factory.CreateOrganisationAsync("Runs Anyway");
        var scopes = factory.Services.GetRequiredService<IServiceScopeFactory>();
        var ids = await EveryOrganisation.IdsAsync(scopes, CancellationToken.None);
        ids.Count.ShouldBeGreaterThanOrEqualTo(2);
        var failing = ids[0];
        var ran = new List<Guid>();

        var failed = await Should.ThrowAsync<OrganisationsFailedException>(() => EveryOrganisation.SumAsync(scopes, services =>
        {
            var organisation = services.GetRequiredService<OrganisationScope>().OrganisationId!.Value;
            if (organisation == failing)
            {
                throw new DbUpdateConcurrencyException("a value from the database that must not reach the log");
            }
            ran.Add(organisation);
            return Task.FromResult(1);
        }, (a, b) => a + b, 0, CancellationToken.None));

        ran.ShouldBe(ids.Skip(1));
        failed.Failures.ShouldBe([(failing, nameof(DbUpdateConcurrencyException))]);
        failed.Message.ShouldContain(failing.ToString());
        failed.Message.ShouldNotContain("a value from the database");
    }
}
