using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Organisations;
using Upstander.Features.PeerSupport.Care;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.People;
using Upstander.Features.Training;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.PeerSupport.Offers;

/// <summary>An organisation with certified, available supporters, and helpers to ask for support and follow offers.</summary>
public sealed partial class OfferWorld(UpstanderFactory factory, TestOrganisation org) : IAsyncDisposable
{
    public UpstanderFactory Factory { get; } = factory;
    public TestOrganisation Org { get; } = org;

    public static async Task<OfferWorld> StartAsync(Engine engine = Engine.Sqlite, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var factory = new UpstanderFactory(engine, settings) { TestServices = services };
        return new OfferWorld(factory, await factory.CreateOrganisationAsync("Offer Org"));
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();

    /// <summary>A certified, available peer supporter with the given cap, languages and shared tags (and, optionally, a manager).</summary>
    public Task<TestAccount> SupporterAsync(string name, int cap = 2, string[]? languages = null, string[]? tags = null, Guid? managerId = null) =>
        Factory.InScopeAsync(Org.Id, async s =>
        {
            var slug = name.ToLowerInvariant().Replace(' ', '-');
            var email = $"{slug}@{Org.Slug}.example";
            var (person, account) = await s.GetRequiredService<OrganisationSetup>().CreatePersonWithAccountAsync(Org.Id,
                new PersonDetails(name, email, slug, "Support Operations", null, null, null, "en", null, null),
                [Roles.PeerSupporter], UpstanderFactory.Password, CancellationToken.None);
            var db = s.GetRequiredService<AppDbContext>();
            if (managerId is not null)
            {
                (await db.People.SingleAsync(p => p.Id == person.Id)).ReportTo(managerId);
                await db.SaveChangesAsync();
                s.GetRequiredService<OrgChartCache>().Invalidate(Org.Id);
            }
            var now = Factory.Clock.GetUtcNow();
            var request = SignOffRequest.Open(Org.Id, person.Id, now);
            request.SignOff(Org[Roles.Coordinator].PersonId, DateOnly.FromDateTime(now.UtcDateTime), null, now);
            db.Add(request);
            db.Add(Certificate.Issue(request, now, 12));
            var settings = SupporterSettings.For(Org.Id, person.Id);
            settings.Apply(true, null, cap, languages ?? ["en"], tags ?? [], now);
            db.Add(settings);
            await db.SaveChangesAsync();
            return new TestAccount(Roles.PeerSupporter, email, account.Id, person.Id, null);
        });

    /// <summary>The person's certificate runs out a minute ago: they keep the role and account but are no longer a current supporter.</summary>
    public static Task LapseCertificateAsync(UpstanderFactory factory, Guid organisationId, Guid personId) =>
        factory.InScopeAsync(organisationId, s => s.GetRequiredService<AppDbContext>().Set<Certificate>().Where(c => c.PersonId == personId)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.ExpiresAt, factory.Clock.GetUtcNow().AddMinutes(-1))));

    public async Task SetModeAsync(string mode, string offerHours = "24", string urgentHours = "2")
    {
        var coordinator = await Factory.SignInAsync(Org[Roles.Coordinator]);
        Location(await PostAsync(coordinator, "/coordinate/matching", ("Mode", mode), ("OutsideDepartmentWeight", "1"), ("SharedExperienceWeight", "1"),
            ("LoadBalanceWeight", "0.5"), ("FeedbackWeight", "0.5"), ("OfferHours", offerHours), ("UrgentOfferHours", urgentHours)))
            .ShouldBe("/coordinate/matching?saved=true");
    }

    /// <summary>The talk form's fields; empty optional ones are left out, as a browser leaves out unticked boxes.</summary>
    public static (string, string)[] Form(string selfHarm = "no", string tags = "", string language = "", string details = "") =>
    [
        .. new (string, string)[]
        {
            ("Topic", "experiencing"), ("Timing", "this-week"), ("Channel", "messages"), ("OutsideDepartment", "true"), ("Language", language),
            ("Tags", tags), ("ShowName", "pseudonym"), ("Details", details),
            ("answer-safe-now", "yes"), ("answer-self-harm", selfHarm), ("answer-harm-others", "no"),
        }.Where(f => f.Item2.Length > 0),
    ];

    public static async Task<Guid> AskAsync(HttpClient client, params (string, string)[] form)
    {
        var location = Location(await PostAsync(client, "/support/talk", form));
        location.ShouldStartWith("/support/requests/");
        return Guid.Parse(location["/support/requests/".Length..].Split('?')[0]);
    }

    public Task<SupportRequestRecord> RequestAsync(Guid id) =>
        Factory.InScopeAsync(Org.Id, s => s.GetRequiredService<AppDbContext>().Set<SupportRequestRecord>().AsNoTracking().SingleAsync(r => r.Id == id));

    public Task<List<SupportOffer>> OffersAsync(Guid requestId) =>
        Factory.InScopeAsync(Org.Id, s => s.GetRequiredService<AppDbContext>().Set<SupportOffer>().AsNoTracking()
            .Where(o => o.RequestId == requestId).OrderBy(o => o.OfferedAt).ThenBy(o => o.Id).ToListAsync());

    public async Task<SupportOffer> PendingAsync(Guid requestId) => (await OffersAsync(requestId)).Single(o => o.Outcome == OfferOutcome.Pending);

    public Task<int> RunAsync() => Factory.InScopeAsync(Org.Id, s => s.GetRequiredService<SupportOffers>().RunAsync(CancellationToken.None));

    public Task<int> AuditCountAsync(string action) =>
        Factory.InScopeAsync(Org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents.CountAsync(e => e.Action == action));

    public static IReadOnlyList<string> Tokens(string html) => [.. TokenRegex().Matches(html).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value))];

    [GeneratedRegex("name=\"token\" value=\"([^\"]+)\"")]
    private static partial Regex TokenRegex();
}
