using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Features.Cases;
using Upstander.Features.Organisations;
using Upstander.Features.People;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.SpeakUp.Cases;

/// <summary>An organisation with a second case manager, and helpers to receive reports straight into the database.</summary>
public sealed class CaseWorld : IAsyncDisposable
{
    private CaseWorld(UpstanderFactory factory, TestOrganisation org) => (Factory, Org) = (factory, org);

    public UpstanderFactory Factory { get; }
    public TestOrganisation Org { get; }
    public Guid CaseManager => Org[Roles.CaseManager].PersonId;

    public static async Task<CaseWorld> StartAsync(Engine engine = Engine.Sqlite, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var factory = new UpstanderFactory(engine, settings) { TestServices = services };
        var org = await factory.CreateOrganisationAsync("Case Org");
        return new CaseWorld(factory, org);
    }

    public Task<T> InScopeAsync<T>(Func<IServiceProvider, AppDbContext, Task<T>> work) =>
        Factory.InScopeAsync(Org.Id, s => work(s, s.GetRequiredService<AppDbContext>()));

    /// <summary>Receives a report naming <paramref name="named"/>, sealed as the reporting side does, optionally routed.</summary>
    public Task<Guid> ReceiveAsync(IEnumerable<Guid> named, string account = "What happened", ReportWay way = ReportWay.Named, Guid? reporter = null,
        bool held = false, string category = "verbal-abuse", Guid? assignee = null, bool route = false) =>
        InScopeAsync(async (s, db) =>
        {
            var protector = s.GetRequiredService<FieldProtector>();
            var report = ReportRecord.Receive(Org.Id, way, way == ReportWay.Anonymous ? null : reporter ?? Org[Roles.Employee].PersonId, held, "Blue Heron",
                category, null, null, Factory.Clock.GetUtcNow());
            report.Seal(protector.Seal(ReportContent.Account(account), ReportRecord.AccountPurpose, report.Id),
                protector.Seal(ReportContent.Involved(named, "described others", "witness W"), ReportRecord.InvolvedPurpose, report.Id));
            report.Assign(assignee);
            db.Add(report);
            await db.SaveChangesAsync();
            if (route)
            {
                await s.GetRequiredService<CaseIntake>().RouteAsync(report, CancellationToken.None);
            }
            return report.Id;
        });

    public Task<ReportRecord> ReportAsync(Guid id) => InScopeAsync((_, db) => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Set<ReportRecord>(), r => r.Id == id));

    /// <summary>Adds a person without an account under <paramref name="manager"/>.</summary>
    public Task<Guid> PersonAsync(string name, Guid? manager) => InScopeAsync(async (s, db) =>
    {
        var person = new Person(Org.Id, new PersonDetails(name, $"{Guid.NewGuid():N}@case.example", Guid.NewGuid().ToString("N")[..10], null, null, null, null, "en", null, null), Factory.Clock.GetUtcNow());
        person.ReportTo(manager);
        db.People.Add(person);
        await db.SaveChangesAsync();
        s.GetRequiredService<OrgChartCache>().Invalidate(Org.Id);
        return person.Id;
    });

    /// <summary>Adds another case manager, with an account (no two-factor set up), named <paramref name="name"/>.</summary>
    public Task<(Guid PersonId, string Email)> CaseManagerAsync(string name, string slug) => Factory.InScopeAsync(Org.Id, async s =>
    {
        var email = $"{slug}@case.example";
        var (person, _) = await s.GetRequiredService<OrganisationSetup>().CreatePersonWithAccountAsync(Org.Id,
            new PersonDetails(name, email, slug, null, null, null, null, "en", null, null), [Roles.CaseManager], UpstanderFactory.Password, CancellationToken.None);
        return (person.Id, email);
    });

    /// <summary>Adds a person named <paramref name="name"/> with an account in <paramref name="roles"/>, two-factor set up, to sign in with.</summary>
    public Task<TestAccount> AccountAsync(string name, string slug, params string[] roles) => Factory.InScopeAsync(Org.Id, async s =>
    {
        var email = $"{slug}@case.example";
        var (person, account) = await s.GetRequiredService<OrganisationSetup>().CreatePersonWithAccountAsync(Org.Id,
            new PersonDetails(name, email, slug, null, null, null, null, "en", null, null), roles, UpstanderFactory.Password, CancellationToken.None);
        var users = s.GetRequiredService<UserManager<Account>>();
        await users.ResetAuthenticatorKeyAsync(account);
        var key = await users.GetAuthenticatorKeyAsync(account);
        await users.SetTwoFactorEnabledAsync(account, true);
        return new TestAccount(roles[0], email, account.Id, person.Id, key);
    });

    /// <summary>Asks, as <paramref name="by"/> (the organisation's case manager unless given), for the case's held reporter to be revealed; returns the request's id.</summary>
    public Task<Guid> RevealRequestAsync(Guid id, Guid? by = null) => InScopeAsync(async (s, db) =>
    {
        var report = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Set<ReportRecord>(), r => r.Id == id);
        await s.GetRequiredService<CaseWork>().RequestRevealAsync(report, "needed-for-investigation", by ?? CaseManager, CancellationToken.None);
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.Set<RevealRequest>().Where(r => r.ReportId == id && r.Status == RevealStatus.Pending).Select(r => r.Id));
    });

    /// <summary>Adds a routing rule for every report, to <paramref name="caseManager"/> (or the least-loaded case manager), after those there are.</summary>
    public Task RuleAsync(Guid? caseManager = null) => InScopeAsync(async (_, db) =>
    {
        var position = (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.MaxAsync(db.Set<RoutingRule>(), r => (int?)r.Position) ?? 0) + 1;
        db.Add(RoutingRule.Create(Org.Id, position, null, null, null, caseManager, Factory.Clock.GetUtcNow()));
        await db.SaveChangesAsync();
        return true;
    });

    /// <summary>Runs the routing rules, as the routing page does.</summary>
    public Task RunRulesAsync() => InScopeAsync(async (s, _) =>
    {
        await s.GetRequiredService<CaseIntake>().RunRulesAsync(CancellationToken.None);
        return true;
    });

    /// <summary>Lets go of the cases their holders may no longer hold, as after a stop or a change to the chart; returns how many.</summary>
    public Task<int> SweepAsync() => InScopeAsync((s, _) => s.GetRequiredService<CaseIntake>().SweepAsync(CancellationToken.None));

    /// <summary>Puts a person (with an account) under <paramref name="manager"/>.</summary>
    public Task ReportToAsync(Guid person, Guid? manager) => InScopeAsync(async (s, db) =>
    {
        var p = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.People, x => x.Id == person);
        p.ReportTo(manager);
        await db.SaveChangesAsync();
        s.GetRequiredService<OrgChartCache>().Invalidate(Org.Id);
        return true;
    });

    /// <summary>Moves the clock on to <paramref name="at"/>.</summary>
    public void To(DateTimeOffset at) => Factory.Clock.Advance(at - Factory.Clock.GetUtcNow());

    /// <summary>The organisation's case manager moves the case, as the case page does (with no message to the reporter).</summary>
    public Task MoveAsync(Guid id, ReportStatus to, string reason) =>
        WorkAsync(id, (work, report) => work.MoveAsync(report, to, reason, CaseManager, null, CancellationToken.None));

    /// <summary>The organisation's case manager records the outcome, as the case page does.</summary>
    public Task OutcomeAsync(Guid id, string outcome) =>
        WorkAsync(id, (work, report) => work.RecordOutcomeAsync(report, outcome, null, CaseManager, CancellationToken.None));

    /// <summary>Acknowledges each case, records <paramref name="outcome"/> (unless null) and closes it, all now.</summary>
    public async Task AcknowledgeAndCloseAsync(IEnumerable<Guid> ids, string? outcome)
    {
        foreach (var id in ids)
        {
            await MoveAsync(id, ReportStatus.Acknowledged, "received-and-read");
            if (outcome is not null)
            {
                await OutcomeAsync(id, outcome);
            }
            await MoveAsync(id, ReportStatus.Closed, "outcome-shared");
        }
    }

    /// <summary>Receives <paramref name="count"/> reports at <paramref name="at"/>, assigned to the case manager.</summary>
    public async Task<List<Guid>> ReceiveManyAsync(int count, DateTimeOffset at)
    {
        To(at);
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await ReceiveAsync([], assignee: CaseManager));
        }
        return ids;
    }

    private Task<bool> WorkAsync(Guid id, Func<CaseWork, ReportRecord, Task> act) => InScopeAsync(async (s, db) =>
    {
        var report = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Set<ReportRecord>(), r => r.Id == id);
        await act(s.GetRequiredService<CaseWork>(), report);
        return true;
    });

    public Task<SpeakUpInsight> InsightAsync() => Factory.InScopeAsync(Org.Id, s => s.GetRequiredService<SpeakUpInsights>().BuildAsync(CancellationToken.None));

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary>Reading an insight table by its row key: every category and outcome has a row, whatever was counted.</summary>
public static class InsightTables
{
    public static int?[] Row(this CountTable table, string key)
    {
        var index = table.Rows.ToList().IndexOf(key);
        index.ShouldBeGreaterThanOrEqualTo(0, $"{key} has a row");
        return [.. table.Cells[index].Select(c => c.Value)];
    }

    public static bool AllHidden(this CountTable table) =>
        table.Cells.All(row => row.All(c => c.Hidden)) && table.RowTotals.All(c => c.Hidden) && table.ColumnTotals.All(c => c.Hidden) && table.Total.Hidden;
}

