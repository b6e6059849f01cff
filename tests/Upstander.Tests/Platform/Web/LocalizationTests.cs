using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Localization;
using Upstander.Features.PeerSupport.Care;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Resources;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Web;

/// <summary>
/// All user-facing text goes through localization. A pseudo-localizer marks every string it
/// returns; any visible text on a page outside the marks was written straight into the markup and
/// could never be translated.
/// </summary>
public sealed partial class LocalizationTests : IAsyncLifetime
{
    private readonly UpstanderFactory _factory = new();
    private TestOrganisation _org = null!;
    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> _pseudo = null!;

    public async Task InitializeAsync()
    {
        _org = await _factory.CreateOrganisationAsync("Pseudo Org");
        _pseudo = _factory.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
        {
            services.RemoveAll<IStringLocalizerFactory>();
            services.AddSingleton<IStringLocalizerFactory, PseudoLocalizerFactory>();
        }));
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData(null, "/account/sign-in")]
    [InlineData(null, "/privacy")]
    [InlineData(null, "/account/signed-out")]
    [InlineData(Roles.Employee, "/nothing-here")]
    [InlineData(Roles.Employee, "/")]
    [InlineData(Roles.Employee, "/account")]
    [InlineData(Roles.Employee, "/account/confirm")]
    [InlineData(Roles.Coordinator, "/account/confirm")]
    [InlineData(Roles.Admin, "/")]
    [InlineData(Roles.Admin, "/admin")]
    [InlineData(Roles.Admin, "/admin/people/import")]
    [InlineData(Roles.Admin, "/admin/invitations")]
    [InlineData(Roles.Admin, "/admin/tokens")]
    [InlineData(Roles.Leader, "/insights")]
    [InlineData(Roles.Researcher, "/research")]
    [InlineData(Roles.PeerSupporter, "/supporter")]
    [InlineData(Roles.PeerSupporter, "/training/development")]
    [InlineData(Roles.Coordinator, "/coordinate")]
    [InlineData(Roles.Coordinator, "/coordinate/training")]
    [InlineData(Roles.Employee, "/training/certification")]
    [InlineData(Roles.PeerSupporter, "/")]
    [InlineData(Roles.Coordinator, "/coordinate/training/courses/new")]
    [InlineData(Roles.CaseManager, "/cases")]
    [InlineData(Roles.CaseManager, "/cases/overdue")]
    [InlineData(Roles.CaseManager, "/cases/routing")]
    [InlineData(Roles.Custodian, "/custodian")]
    [InlineData(Roles.Leader, "/insights/speak-up")]
    [InlineData(Roles.PeerSupporter, "/supporter/availability")]
    [InlineData(Roles.PeerSupporter, "/supporter/check-in")]
    [InlineData(Roles.PeerSupporter, "/supporter/debrief")]
    [InlineData(Roles.PeerSupporter, "/supporter/wellbeing")]
    [InlineData(Roles.PeerSupporter, "/supporter/wellbeing/proqol")]
    [InlineData(Roles.Coordinator, "/coordinate/wellbeing")]
    [InlineData(Roles.Coordinator, "/coordinate/resources")]
    [InlineData(Roles.Coordinator, "/coordinate/resources/new")]
    [InlineData(Roles.Employee, "/support/resources")]
    [InlineData(Roles.Employee, "/support")]
    [InlineData(Roles.Employee, "/support/talk")]
    [InlineData(Roles.Employee, "/support/requests")]
    [InlineData(Roles.Coordinator, "/coordinate/requests")]
    [InlineData(Roles.Coordinator, "/coordinate/support")]
    [InlineData(Roles.Employee, "/support/conversations")]
    [InlineData(Roles.PeerSupporter, "/supporter/conversations")]
    [InlineData(Roles.Coordinator, "/coordinate/matching")]
    [InlineData(Roles.PeerSupporter, "/supporter/offers")]
    [InlineData(Roles.Employee, "/support/blocked")]
    [InlineData(Roles.Employee, "/speak-up")]
    [InlineData(Roles.Employee, "/speak-up/report")]
    [InlineData(Roles.Employee, "/speak-up/journal")]
    [InlineData(Roles.Employee, "/speak-up/reports")]
    public async Task Every_visible_string_on_the_page_comes_through_localization(string? role, string path) =>
        await ShouldBeLocalizedAsync(await ClientAsync(role), path);

    /// <summary>
    /// The anonymous report pages, reached through the organisation's public link without signing in.
    /// </summary>
    [Fact]
    public async Task The_anonymous_report_pages_come_through_localization()
    {
        var slug = await _factory.InScopeAsync(_org.Id, s => s.GetRequiredService<Upstander.Features.SpeakUp.Reporting.ReportLinks>().SlugAsync(CancellationToken.None));
        var visitor = await ClientAsync(null);
        await ShouldBeLocalizedAsync(visitor, $"/report/{slug}");
        await ShouldBeLocalizedAsync(visitor, $"/report/{slug}/follow-up");
    }

    /// <summary>
    /// The pages of one request's whole life, each with something in it: the request with an offer, the supporter's
    /// offer, then the conversation from both sides with a message, a meeting suggested, a referral and private
    /// notes, and the requester's closing questions.
    /// </summary>
    [Fact]
    public async Task A_request_offers_and_a_conversation_come_through_localization_on_every_side()
    {
        var requester = await ClientAsync(Roles.Employee);
        var supporter = await ClientAsync(Roles.PeerSupporter);
        // Everything people and the organisation wrote is "Pseudo": their own words are not the localizer's.
        await _factory.InScopeAsync(_org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var details = Upstander.Features.Demo.DemoResources.Entries[0] with { Name = "Pseudo", Description = "Pseudo", Audience = "Pseudo", Hours = "Pseudo", Languages = "Pseudo" };
            db.Add(SupportResource.Create(_org.Id, details, null, _factory.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        });
        var asked = await Features.Training.TrainingPages.PostAsync(requester, "/support/talk",
            ("Topic", "experiencing"), ("Timing", "this-week"), ("Channel", "messages"), ("ShowName", "name"), ("Details", "Pseudo"),
            ("answer-safe-now", "yes"), ("answer-self-harm", "no"), ("answer-harm-others", "no"));
        var request = Features.Training.TrainingPages.Location(asked).Split('?')[0];
        var id = Guid.Parse(request["/support/requests/".Length..]);
        await _factory.InScopeAsync(_org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var record = await db.Set<SupportRequestRecord>().SingleAsync(r => r.Id == id);
            record.Offer(_org[Roles.PeerSupporter].PersonId);
            db.Add(SupportOffer.Make(record, record.SupporterId!.Value, OfferHow.Automatic, null, _factory.Clock.GetUtcNow(), TimeSpan.FromHours(24)));
            await db.SaveChangesAsync();
        });
        await ShouldBeLocalizedAsync(requester, request);
        await ShouldBeLocalizedAsync(supporter, "/supporter/offers");

        await _factory.InScopeAsync(_org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            (await db.Set<SupportOffer>().SingleAsync(o => o.RequestId == id)).Accept(_factory.Clock.GetUtcNow());
            (await db.Set<SupportRequestRecord>().SingleAsync(r => r.Id == id)).Accept(_factory.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        });
        var conversation = $"/support/conversations/{id}";
        var resource = await _factory.InScopeAsync(_org.Id, s => s.GetRequiredService<AppDbContext>().Set<SupportResource>().Select(r => r.Id).FirstAsync());
        foreach (var (handler, fields) in new (string, (string, string)[])[]
        {
            ("", [("Body", "Pseudo")]),
            ("Propose", [("Dates", _factory.Clock.GetUtcNow().AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("Times", "10:00"), ("Duration", "30"), ("Mode", "call")]),
            ("Refer", [("ResourceId", resource.ToString()), ("Handover", "true")]),
            ("Note", [("Note", "Pseudo")]),
        })
        {
            var url = handler.Length == 0 ? conversation : $"{conversation}?handler={handler}";
            (await Features.Training.TrainingPages.PostAsync(supporter, url, fields)).StatusCode.ShouldBe(HttpStatusCode.Redirect, url);
        }
        await ShouldBeLocalizedAsync(supporter, conversation);
        await ShouldBeLocalizedAsync(requester, conversation);
        await ShouldBeLocalizedAsync(requester, "/support/conversations");
        await ShouldBeLocalizedAsync(supporter, "/supporter/conversations");

        // A re-organisation makes the supporter the requester's manager: the requester's notices and the coordinators' flag.
        await _factory.InScopeAsync(_org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            (await db.People.SingleAsync(p => p.Id == _org[Roles.Employee].PersonId)).ReportTo(_org[Roles.PeerSupporter].PersonId);
            await db.SaveChangesAsync();
        });
        _pseudo.Services.GetRequiredService<Upstander.Features.People.OrgChartCache>().Invalidate(_org.Id);
        (await ShouldBeLocalizedAsync(requester, request)).ShouldContain("connected to your reporting line");
        (await ShouldBeLocalizedAsync(requester, conversation)).ShouldContain("connected to your reporting line");
        (await ShouldBeLocalizedAsync(await ClientAsync(Roles.Coordinator), "/coordinate/matching")).ShouldContain("management chain or that of someone they named");

        // Closed, with a supporter who is current (certified now) and so could be reopened but for the re-organisation.
        (await Features.Training.TrainingPages.PostAsync(requester, $"{conversation}?handler=Close", ("Confirm", "true"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await _factory.InScopeAsync(_org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var now = _factory.Clock.GetUtcNow();
            var signOff = Upstander.Features.Training.SignOffRequest.Open(_org.Id, _org[Roles.PeerSupporter].PersonId, now);
            signOff.SignOff(_org[Roles.Coordinator].PersonId, DateOnly.FromDateTime(now.UtcDateTime), null, now);
            db.Add(signOff);
            db.Add(Upstander.Features.Training.Certificate.Issue(signOff, now, 12));
            await db.SaveChangesAsync();
        });
        (await ShouldBeLocalizedAsync(requester, conversation)).ShouldContain("so this conversation cannot be reopened");
        await ShouldBeLocalizedAsync(supporter, conversation);
    }

    /// <summary>
    /// The coordinators' well-being page with its aggregates: six supporters' ProQOL 5 in the last completed quarter, a
    /// band each of them is in beside bands shown as "fewer than N people", and their check-ins, one answer hidden.
    /// </summary>
    [Fact]
    public async Task The_wellbeing_aggregates_and_their_hidden_cells_come_through_localization()
    {
        await _factory.InScopeAsync(_org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var at = s.GetRequiredService<Upstander.Features.Organisations.CompletedPeriods>().Last(Upstander.Features.Organisations.PeriodKind.Quarter).Single().Start.AddDays(1);
            foreach (var (person, i) in _org.Accounts.Values.Select((a, i) => (a.PersonId, i)).Take(6))
            {
                db.Add(ProqolResponse.Record(_org.Id, person, new ProqolScores(30, i == 0 ? 45 : 30, 30), at));
                db.Add(SupporterCheckIn.Record(_org.Id, person, null, i == 0 ? CheckInFeeling.Shaken : CheckInFeeling.Fine, at));
            }
            await db.SaveChangesAsync();
        });
        var coordinator = await ClientAsync(Roles.Coordinator);
        var text = PageText.Of(await coordinator.GetStringAsync("/coordinate/wellbeing"));
        text.ShouldContain("⟦fewer than 5 people⟧");
        text.ShouldContain("100%");
        await ShouldBeLocalizedAsync(coordinator, "/coordinate/wellbeing");
    }

    private async Task<HttpClient> ClientAsync(string? role)
    {
        var client = _pseudo.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (role is not null)
        {
            await client.SignInAsync(_org[role]);
        }
        return client;
    }

    /// <summary>Fails unless every visible word on the page came through localization; returns the visible text.</summary>
    private async Task<string> ShouldBeLocalizedAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        response.StatusCode.ShouldBeOneOf(HttpStatusCode.OK, HttpStatusCode.NotFound);
        var html = await response.Content.ReadAsStringAsync();
        var visible = VisibleText(html);
        visible.ShouldContain("⟦", customMessage: "the pseudo-localizer was not used at all");
        var unmarked = Marked().Replace(visible, " ");
        var leftovers = Words().Matches(unmarked).Select(m => m.Value)
            .Where(w => !Allowed.Contains(w) && !_org.Accounts.Values.Any(a => a.Email.Contains(w, StringComparison.OrdinalIgnoreCase)) && !_org.Name.Contains(w, StringComparison.Ordinal) && !w.StartsWith(_org.Slug, StringComparison.Ordinal))
            .Distinct()
            .ToList();
        leftovers.ShouldBeEmpty($"text on {path} that does not come through localization");
        return visible;
    }

    /// <summary>
    /// The product's name and the people's own data (names, emails) are not translated; month names come from the
    /// culture's date formats (localized by the culture, not the string localizer), and UTC is the same everywhere.
    /// </summary>
    private static readonly HashSet<string> Allowed = new(
        new[] { "Upstander", "Employee", "PeerSupporter", "Coordinator", "CaseManager", "Leader", "Researcher", "Admin", "of", "Pseudo", "Org", "Operations", "UTC" }
            .Concat(System.Globalization.DateTimeFormatInfo.InvariantInfo.MonthNames.Where(m => m.Length > 0)),
        StringComparer.Ordinal);

    private static string VisibleText(string html)
    {
        // Script, style and <code> (literal identifiers such as CSV column headings) are not prose.
        var withoutCode = Regex.Replace(html, "<(script|style|code)[\\s\\S]*?</\\1>", " ");
        var attributes = Regex.Matches(withoutCode, "(?:aria-label|placeholder|title|alt)=\"([^\"]*)\"").Select(m => m.Groups[1].Value);
        var text = Regex.Replace(withoutCode, "<[^>]+>", " ");
        return WebUtility.HtmlDecode(text + " " + string.Join(' ', attributes));
    }

    [GeneratedRegex("⟦[^⟧]*⟧")]
    private static partial Regex Marked();

    [GeneratedRegex("[A-Za-z][A-Za-z'’-]+")]
    private static partial Regex Words();

    private sealed class PseudoLocalizerFactory : IStringLocalizerFactory
    {
        public IStringLocalizer Create(Type resourceSource) => new PseudoLocalizer();

        public IStringLocalizer Create(string baseName, string location) => new PseudoLocalizer();
    }

    private sealed class PseudoLocalizer : IStringLocalizer
    {
        public LocalizedString this[string name] => new(name, "⟦" + name + "⟧");

        public LocalizedString this[string name, params object[] arguments] =>
            new(name, "⟦" + string.Format(System.Globalization.CultureInfo.CurrentCulture, name, arguments) + "⟧");

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => [];
    }
}
