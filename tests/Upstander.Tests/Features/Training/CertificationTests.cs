using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Features.Training;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.Training;

/// <summary>
/// Certification on the fake clock, through the real pages: enrolment, passing the core module, asking
/// for sign-off, a coordinator's sign-off or decline, the reminder, lapse, and renewal by refresher.
/// </summary>
public sealed class CertificationTests : IDisposable
{
    private const string Course = "/training/sample-course";
    private const string Refresher = Course + "/refresher";
    private const string CertificationPage = "/training/certification";
    private readonly TrainingContentFixture _content = new();

    public CertificationTests() =>
        // The sample module also makes up the refresher.
        _content.EditJson(_content.ModuleFile("module.json"), n => n["refresher"] = true);

    public void Dispose() => _content.Dispose();

    private async Task<(UpstanderFactory Factory, TestOrganisation Org)> StartAsync(Engine engine = Engine.Sqlite, Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? []) { ["Training:ContentPath"] = _content.Root };
        var factory = new UpstanderFactory(engine, all);
        return (factory, await factory.CreateOrganisationAsync("Certification Org"));
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_candidate_is_certified_by_sign_off_reminded_at_30_days_and_lapses_at_expiry(Engine engine)
    {
        var (factory, org) = await StartAsync(engine);
        await using var _ = factory;
        var candidate = org[Roles.Employee];
        var coordinator = await factory.SignInAsync(org[Roles.Coordinator]);
        await EnrolAsync(coordinator, "Spring intake", candidate.PersonId);

        // Not every core module passed yet: no button, and asking anyway is refused and changes nothing.
        var client = await factory.SignInAsync(candidate);
        (await PageAsync(client, CertificationPage)).ShouldNotContain("Ask for sign-off");
        var before = await RowCounts.TakeAsync(factory.Database);
        (await PostAsync(client, CertificationPage + "?handler=Request")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        RowCounts.Differences(before, await RowCounts.TakeAsync(factory.Database)).ShouldBeEmpty();

        await PassModuleAsync(client, Course);
        (await PageAsync(client, CertificationPage)).ShouldContain("Ask for sign-off");
        Location(await PostAsync(client, CertificationPage + "?handler=Request")).ShouldBe(CertificationPage + "?requested=true");
        (await PageAsync(client, CertificationPage)).ShouldContain("Sign-off requested");
        (await PostAsync(client, CertificationPage + "?handler=Request")).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "one request at a time");

        var requestId = await OpenRequestAsync(factory, org, candidate.PersonId);
        (await PageAsync(coordinator, "/coordinate/training")).ShouldContain($"/coordinate/training/requests/{requestId:D}");
        await SignOffAsync(coordinator, requestId);

        var certificate = await CertificateAsync(factory, org, candidate.PersonId);
        certificate.ExpiresAt.ShouldBe(certificate.CertifiedAt.AddMonths(12));
        (await RolesAsync(factory, candidate)).ShouldContain(Roles.PeerSupporter);
        (await AuditActionsAsync(factory, org)).ShouldContain(AuditActions.RolesChanged);
        (await CurrentAsync(factory, org)).ShouldContain(candidate.PersonId);
        (await CurrentAsync(factory, org)).ShouldNotContain(org[Roles.PeerSupporter].PersonId, "the role without a certificate is not enough");

        // The reminder: not at 31 days before expiry, at 30.
        factory.Clock.Advance(certificate.ExpiresAt - TimeSpan.FromDays(31) - factory.Clock.GetUtcNow());
        client = await factory.SignInAsync(candidate);
        (await PageAsync(client, "/")).ShouldNotContain("Time to renew your certificate");
        (await CertificateAsync(factory, org, candidate.PersonId)).RemindedAt.ShouldBeNull();
        factory.Clock.Advance(TimeSpan.FromDays(1));
        client = await factory.SignInAsync(candidate);
        var home = await PageAsync(client, "/");
        home.ShouldContain("Time to renew your certificate");
        home.ShouldContain($"href=\"{Refresher}\"");
        (await PageAsync(client, "/supporter")).ShouldContain("Time to renew your certificate");
        (await CertificateAsync(factory, org, candidate.PersonId)).RemindedAt.ShouldNotBeNull();
        coordinator = await factory.SignInAsync(org[Roles.Coordinator]);
        var cohorts = await PageAsync(coordinator, "/coordinate/training");
        Row(cohorts, candidate).ShouldContain("Expiring");
        Row(cohorts, candidate).ShouldNotContain("Not yet", customMessage: "the reminder date is shown");

        // After expiry: lapsed, still holds the role, not a current supporter.
        factory.Clock.Advance(TimeSpan.FromDays(31));
        (await CurrentAsync(factory, org)).ShouldNotContain(candidate.PersonId);
        (await IsCurrentAsync(factory, org, candidate.PersonId)).ShouldBeFalse();
        (await RolesAsync(factory, candidate)).ShouldContain(Roles.PeerSupporter);
        client = await factory.SignInAsync(candidate);
        (await PageAsync(client, "/")).ShouldContain("You are not receiving new support requests");
        (await PageAsync(client, CertificationPage)).ShouldContain("Lapsed");
        coordinator = await factory.SignInAsync(org[Roles.Coordinator]);
        Row(await PageAsync(coordinator, "/coordinate/training"), candidate).ShouldContain("Lapsed");
    }

    [Fact]
    public async Task Refreshers_inside_the_window_renew_from_the_old_expiry_but_after_a_lapse_only_a_new_sign_off_recertifies()
    {
        var (factory, org) = await StartAsync();
        await using var _ = factory;
        var candidate = org[Roles.Employee];
        var (coordinator, client) = await RequestedAsync(factory, org, candidate, "Spring intake");
        await SignOffAsync(coordinator, await OpenRequestAsync(factory, org, candidate.PersonId));
        var first = await CertificateAsync(factory, org, candidate.PersonId);

        client = await factory.SignInAsync(candidate);
        (await client.GetAsync(Refresher)).StatusCode.ShouldBe(HttpStatusCode.NotFound, "the refresher opens 60 days before expiry");

        factory.Clock.Advance(first.ExpiresAt - TimeSpan.FromDays(50) - factory.Clock.GetUtcNow());
        client = await factory.SignInAsync(candidate);
        (await PageAsync(client, Refresher)).ShouldContain("Start the refresher");
        await PassModuleAsync(client, Refresher);
        var renewed = await CertificateAsync(factory, org, candidate.PersonId);
        renewed.Id.ShouldBe(first.Id);
        renewed.ExpiresAt.ShouldBe(first.ExpiresAt.AddMonths(12), "renewing early loses nothing");
        (await PageAsync(client, CertificationPage)).ShouldContain("Renewed by refresher");
        (await PageAsync(client, Course)).ShouldContain("You have completed this course.", customMessage: "the original course record is untouched");
        (await AuditActionsAsync(factory, org)).ShouldContain(CertificationAudit.Renewed);

        // Let it lapse; the refresher is still there to practise, but completing it does not renew.
        factory.Clock.Advance(renewed.ExpiresAt + TimeSpan.FromDays(1) - factory.Clock.GetUtcNow());
        client = await factory.SignInAsync(candidate);
        await PassModuleAsync(client, Refresher);
        (await CertificateAsync(factory, org, candidate.PersonId)).ExpiresAt.ShouldBe(renewed.ExpiresAt);
        (await IsCurrentAsync(factory, org, candidate.PersonId)).ShouldBeFalse();
        (await PageAsync(client, CertificationPage)).ShouldContain("Lapsed");

        // Asking again and a coordinator's sign-off certify anew.
        Location(await PostAsync(client, CertificationPage + "?handler=Request"));
        coordinator = await factory.SignInAsync(org[Roles.Coordinator]);
        await SignOffAsync(coordinator, await OpenRequestAsync(factory, org, candidate.PersonId));
        var again = await CertificateAsync(factory, org, candidate.PersonId);
        again.Id.ShouldNotBe(first.Id);
        (await IsCurrentAsync(factory, org, candidate.PersonId)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_decline_can_be_followed_by_a_new_request_and_the_configured_length_sets_the_expiry()
    {
        var (factory, org) = await StartAsync(settings: new() { ["Training:CertificateMonths"] = "6" });
        await using var _ = factory;
        var candidate = org[Roles.Employee];
        var (coordinator, client) = await RequestedAsync(factory, org, candidate, "Autumn intake");
        var requestId = await OpenRequestAsync(factory, org, candidate.PersonId);
        var page = $"/coordinate/training/requests/{requestId:D}";

        // Bad input changes nothing: no reason, no date, no confirmation, a date in the future.
        var before = await RowCounts.TakeAsync(factory.Database);
        (await PostAsync(coordinator, page + "?handler=Decline", ("Reason", "  "))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PostAsync(coordinator, page + "?handler=SignOff", ("Confirmed", "true"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PostAsync(coordinator, page + "?handler=SignOff", ("PracticeCompletedOn", Today(factory)))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var future = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var refused = await PostAsync(coordinator, page + "?handler=SignOff", ("PracticeCompletedOn", future), ("Confirmed", "true"));
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("cannot be in the future");
        (await PostAsync(coordinator, page + "?handler=SignOff", ("PracticeCompletedOn", "not-a-date"), ("Confirmed", "true"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await coordinator.GetAsync($"/coordinate/training/requests/{Guid.NewGuid():D}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        RowCounts.Differences(before, await RowCounts.TakeAsync(factory.Database)).ShouldBeEmpty();
        (await OpenRequestAsync(factory, org, candidate.PersonId)).ShouldBe(requestId);

        Location(await PostAsync(coordinator, page + "?handler=Decline", ("Reason", "Please do two more observed sessions with Sam."))).ShouldBe("/coordinate/training?done=declined");
        var sealedReason = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<SignOffRequest>().Where(r => r.Id == requestId).Select(r => r.NoteSealed).SingleAsync());
        sealedReason.ShouldNotBeNull().ShouldNotContain("observed sessions");
        var mine = await PageAsync(client, CertificationPage);
        mine.ShouldContain("was declined");
        mine.ShouldContain("Please do two more observed sessions with Sam.");
        mine.ShouldContain("Ask for sign-off");
        // The candidate's reading of the reason is an audited read, by them; the coordinator who wrote it reads it without one.
        (await NoteReadsAsync(factory, org, requestId)).ShouldHaveSingleItem().ActorId.ShouldBe(candidate.AccountId);
        (await PageAsync(coordinator, page)).ShouldContain("Please do two more observed sessions with Sam.");
        (await NoteReadsAsync(factory, org, requestId)).Count.ShouldBe(1, "its author's reading is not recorded");
        (await PostAsync(coordinator, page + "?handler=SignOff", ("PracticeCompletedOn", Today(factory)), ("Confirmed", "true"))).StatusCode
            .ShouldBe(HttpStatusCode.BadRequest, "a decided request cannot be signed off");

        Location(await PostAsync(client, CertificationPage + "?handler=Request"));
        await SignOffAsync(coordinator, await OpenRequestAsync(factory, org, candidate.PersonId));
        var certificate = await CertificateAsync(factory, org, candidate.PersonId);
        certificate.ExpiresAt.ShouldBe(certificate.CertifiedAt.AddMonths(6));
        var history = await PageAsync(await factory.SignInAsync(candidate), CertificationPage);
        history.ShouldContain("Request declined");
        history.ShouldContain($"Coordinator of {org.Name}", customMessage: "the candidate sees who signed off");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task The_practice_date_and_the_leave_date_are_compared_with_today_in_the_organisations_zone(Engine engine)
    {
        var (factory, org) = await StartAsync(engine);
        await using var _ = factory;
        await AheadOfUtc.EnterAsync(factory, org.Id);
        var candidate = org[Roles.Employee];
        var coordinator = (await RequestedAsync(factory, org, candidate, "Auckland intake")).Coordinator;
        var requestId = await OpenRequestAsync(factory, org, candidate.PersonId);
        var page = $"/coordinate/training/requests/{requestId:D}";

        // The practice date goes up to 11 March, today in Auckland (10 March in UTC); 12 March is in the future.
        (await PageAsync(coordinator, page)).ShouldContain($"max=\"{AheadOfUtc.Field(AheadOfUtc.LocalDate)}\"");
        (await PageAsync(coordinator, page)).ShouldContain("Asked on 11 March 2031.");
        var tomorrow = await PostAsync(coordinator, page + "?handler=SignOff", ("PracticeCompletedOn", AheadOfUtc.Field(AheadOfUtc.LocalDate.AddDays(1))), ("Confirmed", "true"));
        tomorrow.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await tomorrow.Content.ReadAsStringAsync()).ShouldContain("cannot be in the future");
        Location(await PostAsync(coordinator, page + "?handler=SignOff", ("PracticeCompletedOn", AheadOfUtc.Field(AheadOfUtc.LocalDate)), ("Confirmed", "true")))
            .ShouldBe("/coordinate/training?done=signed-off");
        (await PageAsync(coordinator, page)).ShouldContain($"Signed off by Coordinator of {org.Name} on 11 March 2031; supervised practice completed on 11 March 2031.");
        (await PageAsync(await factory.SignInAsync(candidate), CertificationPage)).ShouldContain("Your certificate expires on 11 March 2032.");
        (await IsCurrentAsync(factory, org, candidate.PersonId)).ShouldBeTrue();

        // Leaving on 11 March: gone today in Auckland, though in UTC that date is still tomorrow. Leaving on 12 March: still here.
        async Task LeaveOnAsync(DateOnly day) => await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().People
            .Where(p => p.Id == candidate.PersonId).ExecuteUpdateAsync(u => u.SetProperty(p => p.LeaveDate, (DateOnly?)day)));
        await LeaveOnAsync(AheadOfUtc.LocalDate);
        (await IsCurrentAsync(factory, org, candidate.PersonId)).ShouldBeFalse();
        await LeaveOnAsync(AheadOfUtc.LocalDate.AddDays(1));
        (await IsCurrentAsync(factory, org, candidate.PersonId)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_coordinator_cannot_sign_off_their_own_request_and_only_coordinators_reach_the_cohort_view()
    {
        var (factory, org) = await StartAsync();
        await using var _ = factory;
        var me = org[Roles.Coordinator];
        var coordinator = await factory.SignInAsync(me);
        await EnrolAsync(coordinator, "Staff", me.PersonId);
        await PassModuleAsync(coordinator, Course);
        Location(await PostAsync(coordinator, CertificationPage + "?handler=Request"));
        var requestId = await OpenRequestAsync(factory, org, me.PersonId);
        var page = $"/coordinate/training/requests/{requestId:D}";
        (await PageAsync(coordinator, page)).ShouldContain("This is your own request.");

        var before = await RowCounts.TakeAsync(factory.Database);
        var own = await PostAsync(coordinator, page + "?handler=SignOff", ("PracticeCompletedOn", Today(factory)), ("Confirmed", "true"));
        own.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await own.Content.ReadAsStringAsync()).ShouldContain("conflict of interest");
        (await PostAsync(coordinator, page + "?handler=Decline", ("Reason", "no"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        RowCounts.Differences(before, await RowCounts.TakeAsync(factory.Database)).ShouldBeEmpty();
        (await RolesAsync(factory, me)).ShouldNotContain(Roles.PeerSupporter);

        foreach (var role in new[] { Roles.Admin, Roles.Employee, Roles.PeerSupporter })
        {
            var other = await factory.SignInAsync(org[role]);
            foreach (var url in new[] { "/coordinate/training", "/coordinate/training/enrol", page })
            {
                var response = await other.GetAsync(url);
                response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"{role} {url}");
                response.Headers.Location!.OriginalString.ShouldContain("/account/access-denied");
            }
            var token = await other.AntiforgeryTokenAsync("/");
            var post = await other.PostAsync(page + "?handler=SignOff", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["PracticeCompletedOn"] = Today(factory),
                ["Confirmed"] = "true",
                ["__RequestVerificationToken"] = token,
            }));
            post.Headers.Location!.OriginalString.ShouldContain("/account/access-denied");
        }
        (await OpenRequestAsync(factory, org, me.PersonId)).ShouldBe(requestId);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task The_cohort_view_shows_progress_by_module_and_flags_stuck_and_inactive_learners(Engine engine)
    {
        var (factory, org) = await StartAsync(engine);
        await using var _ = factory;
        var stuck = org[Roles.Employee];
        var idle = org[Roles.Leader];
        var coordinator = await factory.SignInAsync(org[Roles.Coordinator]);

        // Bad enrolments change nothing.
        var before = await RowCounts.TakeAsync(factory.Database);
        (await PostAsync(coordinator, "/coordinate/training/enrol", ("Course", "sample-course"), ("Cohort", "Spring intake"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PostAsync(coordinator, "/coordinate/training/enrol", ("PersonIds", Guid.NewGuid().ToString()), ("Course", "sample-course"), ("Cohort", "Spring intake")))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PostAsync(coordinator, "/coordinate/training/enrol", ("PersonIds", stuck.PersonId.ToString()), ("Course", "no-such-course"), ("Cohort", "Spring intake")))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PostAsync(coordinator, "/coordinate/training/enrol", ("PersonIds", stuck.PersonId.ToString()), ("Course", "sample-course"), ("Cohort", new string('x', 81))))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PostAsync(coordinator, "/coordinate/training/enrol", ("PersonIds", "garbage"), ("Course", "sample-course"), ("Cohort", "Spring intake")))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        RowCounts.Differences(before, await RowCounts.TakeAsync(factory.Database)).ShouldBeEmpty();

        (await PageAsync(coordinator, "/coordinate/training/enrol?q=" + Uri.EscapeDataString(stuck.Email))).ShouldContain($"value=\"{stuck.PersonId:D}\"");
        await EnrolAsync(coordinator, "Spring intake", stuck.PersonId, idle.PersonId);

        // Three failed attempts at the check, no pass: stuck.
        var client = await factory.SignInAsync(stuck);
        Location(await PostAsync(client, Course + "?handler=Start"));
        for (var i = 0; i < 3; i++)
        {
            await PageAsync(client, Course + "/01-listening/check");
            Location(await PostAsync(client, Course + "/01-listening/check", ("q.q1", "b"), ("q.q2", "a")));
        }
        factory.Clock.Advance(TimeSpan.FromDays(22));
        client = await factory.SignInAsync(stuck);
        await PageAsync(client, Course + "/01-listening/lessons/1");

        coordinator = await factory.SignInAsync(org[Roles.Coordinator]);
        var view = await PageAsync(coordinator, "/coordinate/training");
        view.ShouldContain("Spring intake");
        var stuckRow = Row(view, stuck);
        stuckRow.ShouldContain("Stuck");
        stuckRow.ShouldNotContain("Inactive");
        stuckRow.ShouldContain("in progress");
        stuckRow.ShouldContain("check not passed (3 tries)");
        var idleRow = Row(view, idle);
        idleRow.ShouldContain("Inactive");
        idleRow.ShouldContain("not started");
        idleRow.ShouldNotContain("Stuck");
    }

    [Fact]
    public void A_bad_certificate_setting_stops_start_up_naming_the_key()
    {
        using var content = new TrainingContentFixture();
        using var factory = new UpstanderFactory(settings: new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root, ["Training:CertificateMonths"] = "twelve" });
        var failure = Should.Throw<Exception>(() => factory.Server);
        failure.ToString().ShouldContain("Training:CertificateMonths must be a whole number from 1 to 120");
    }

    // ---- Helpers: the same pages a person uses ----

    /// <summary>A coordinator enrols the candidate, who passes the core module and asks for sign-off; both signed in.</summary>
    private static async Task<(HttpClient Coordinator, HttpClient Candidate)> RequestedAsync(UpstanderFactory factory, TestOrganisation org, TestAccount candidate, string cohort)
    {
        var coordinator = await factory.SignInAsync(org[Roles.Coordinator]);
        await EnrolAsync(coordinator, cohort, candidate.PersonId);
        var client = await factory.SignInAsync(candidate);
        await PassModuleAsync(client, Course);
        Location(await PostAsync(client, CertificationPage + "?handler=Request")).ShouldBe(CertificationPage + "?requested=true");
        return (coordinator, client);
    }

    private static async Task EnrolAsync(HttpClient coordinator, string cohort, params Guid[] people)
    {
        var fields = people.Select(p => ("PersonIds", p.ToString("D"))).Append(("Course", "sample-course")).Append(("Cohort", cohort)).ToArray();
        Location(await PostAsync(coordinator, "/coordinate/training/enrol", fields)).ShouldBe("/coordinate/training?done=enrolled");
    }

    /// <summary>Takes the sample module through its pages (lessons, a passing check, the scenario) under <paramref name="root"/>, starting it if needed.</summary>
    private static async Task PassModuleAsync(HttpClient client, string root)
    {
        if ((await PageAsync(client, root)).Contains("handler=Start", StringComparison.Ordinal))
        {
            Location(await PostAsync(client, root + "?handler=Start"));
        }
        await FinishModuleAsync(client, root + "/01-listening");
    }

    private static async Task SignOffAsync(HttpClient coordinator, Guid requestId)
    {
        var page = $"/coordinate/training/requests/{requestId:D}";
        (await PageAsync(coordinator, page)).ShouldContain("Sign off and certify");
        Location(await PostAsync(coordinator, page + "?handler=SignOff",
            ("PracticeCompletedOn", "2020-01-15"), ("Confirmed", "true"), ("SignOffNote", "Calm and careful in both observed sessions."))).ShouldBe("/coordinate/training?done=signed-off");
    }

    private static string Today(UpstanderFactory factory) =>
        DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static Task<Guid> OpenRequestAsync(UpstanderFactory factory, TestOrganisation org, Guid personId) =>
        factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<SignOffRequest>()
            .Where(r => r.PersonId == personId && r.Decision == null).Select(r => r.Id).SingleAsync());

    private static Task<Certificate> CertificateAsync(UpstanderFactory factory, TestOrganisation org, Guid personId) =>
        factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<Certificate>().AsNoTracking()
            .Where(c => c.PersonId == personId).OrderByDescending(c => c.CertifiedAt).FirstAsync());

    private static Task<IReadOnlyList<Guid>> CurrentAsync(UpstanderFactory factory, TestOrganisation org) =>
        factory.InScopeAsync(org.Id, s => s.GetRequiredService<SupporterCertification>().CurrentSupporterIdsAsync(CancellationToken.None));

    private static Task<bool> IsCurrentAsync(UpstanderFactory factory, TestOrganisation org, Guid personId) =>
        factory.InScopeAsync(org.Id, s => s.GetRequiredService<SupporterCertification>().IsCurrentAsync(personId, CancellationToken.None));

    private static Task<IList<string>> RolesAsync(UpstanderFactory factory, TestAccount account) =>
        factory.InScopeAsync(null, async s =>
        {
            var users = s.GetRequiredService<UserManager<Account>>();
            return await users.GetRolesAsync((await users.FindByIdAsync(account.AccountId.ToString()))!);
        });

    private static Task<List<AuditEvent>> NoteReadsAsync(UpstanderFactory factory, TestOrganisation org, Guid requestId) =>
        factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .Where(e => e.Action == AuditActions.ProtectedRead && e.TargetType == CertificationAudit.TargetRequest && e.TargetId == requestId.ToString("N")).ToListAsync());

    private static Task<List<string>> AuditActionsAsync(UpstanderFactory factory, TestOrganisation org) =>
        factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents.IgnoreQueryFilters().Select(e => e.Action).Distinct().ToListAsync());

    /// <summary>The table row of the cohort view that names this person.</summary>
    private static string Row(string html, TestAccount account)
    {
        var name = $"{account.Role} of Certification Org";
        var match = Regex.Matches(html, "<tr>[\\s\\S]*?</tr>").FirstOrDefault(m => m.Value.Contains(name, StringComparison.Ordinal));
        return match.ShouldNotBeNull($"no row for {name}").Value;
    }

}
