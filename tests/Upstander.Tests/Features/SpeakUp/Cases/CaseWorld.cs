using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Cases;
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

    public static async Task<CaseWorld> StartAsync(Engine engine = Engine.Sqlite, IDictionary<string, string?>? settings = null)
    {
        var factory = new UpstanderFactory(engine, settings);
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

    /// <summary>Puts a person (with an account) under <paramref name="manager"/>.</summary>
    public Task ReportToAsync(Guid person, Guid? manager) => InScopeAsync(async (s, db) =>
    {
        var p = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.People, x => x.Id == person);
        p.ReportTo(manager);
        await db.SaveChangesAsync();
        s.GetRequiredService<OrgChartCache>().Invalidate(Org.Id);
        return true;
    });

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}
