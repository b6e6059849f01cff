using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.PeerSupport.Care;
using Upstander.Features.Training;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.PeerSupport.Care;

/// <summary>Supporter care through the real pages: availability and the matching inputs, check-ins, debriefs, the ProQOL 5 and what coordinators see.</summary>
public sealed class SupporterCareTests
{
    private static async Task<(UpstanderFactory Factory, TestOrganisation Org)> StartAsync(Engine engine = Engine.Sqlite)
    {
        var factory = new UpstanderFactory(engine);
        return (factory, await factory.CreateOrganisationAsync("Care Org"));
    }

    private static Task CertifyAsync(UpstanderFactory factory, TestOrganisation org, Guid personId) =>
        factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var now = factory.Clock.GetUtcNow();
            var request = SignOffRequest.Open(org.Id, personId, now);
            request.SignOff(org[Roles.Coordinator].PersonId, DateOnly.FromDateTime(now.UtcDateTime), null, now);
            db.Add(request);
            db.Add(Certificate.Issue(request, now, 12));
            await db.SaveChangesAsync();
        });

    private static Task<SupporterInputs> InputsAsync(UpstanderFactory factory, TestOrganisation org) =>
        factory.InScopeAsync(org.Id, s => s.GetRequiredService<SupporterCare>().MatchingInputsAsync(CancellationToken.None));

    private static string Date(UpstanderFactory factory, int days) =>
        DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Availability_is_validated_and_the_matching_inputs_flag_paused_and_unavailable_and_leave_out_non_current_supporters(Engine engine)
    {
        var (factory, org) = await StartAsync(engine);
        await using var _ = factory;
        var supporter = org[Roles.PeerSupporter];
        var client = await factory.SignInAsync(supporter);
        (await PageAsync(client, "/supporter/availability")).ShouldContain("You receive no support requests while your certificate is not current");

        var before = await RowCounts.TakeAsync(factory.Database);
        foreach (var cap in new[] { "0", "11", "three" })
        {
            var refused = await PostAsync(client, "/supporter/availability", ("Available", "true"), ("Cap", cap), ("Languages", "en"));
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"cap {cap}");
            (await refused.Content.ReadAsStringAsync()).ShouldContain("Nothing was saved");
        }
        (await PostAsync(client, "/supporter/availability", ("Available", "true"), ("Cap", "3"), ("Languages", "english"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PostAsync(client, "/supporter/availability", ("Available", "true"), ("Cap", "3"), ("Tags", "not-a-tag"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PostAsync(client, "/supporter/availability", ("Available", "true"), ("Cap", "3"), ("PausedUntil", Date(factory, -1)))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        RowCounts.Differences(before, await RowCounts.TakeAsync(factory.Database)).ShouldBeEmpty();

        // Not certified: not in the inputs at all, whatever the settings.
        Location(await PostAsync(client, "/supporter/availability", ("Available", "true"), ("Cap", "4"), ("Languages", "en, PL"), ("Tags", "racism"))).ShouldBe("/supporter/availability?saved=true");
        (await InputsAsync(factory, org)).Supporters.ShouldBeEmpty();

        await CertifyAsync(factory, org, supporter.PersonId);
        var profile = (await InputsAsync(factory, org)).Supporters.ShouldHaveSingleItem();
        profile.PersonId.ShouldBe(supporter.PersonId);
        (profile.Available, profile.Paused, profile.Cap, profile.OpenCases).ShouldBe((true, false, 4, 0));
        profile.Languages.ShouldBe(["en", "pl"]);
        profile.SharedTags.ShouldBe(["racism"]);

        // Paused until tomorrow: flagged as the engine expects; after the pause it is offered again.
        Location(await PostAsync(client, "/supporter/availability", ("Available", "true"), ("Cap", "4"), ("PausedUntil", Date(factory, 1)))).ShouldBe("/supporter/availability?saved=true");
        (await PageAsync(client, "/supporter/availability")).ShouldContain("You are paused until");
        (await InputsAsync(factory, org)).Supporters.Single().Paused.ShouldBeTrue();
        factory.Clock.Advance(TimeSpan.FromDays(2));
        (await InputsAsync(factory, org)).Supporters.Single().Paused.ShouldBeFalse();
        client = await factory.SignInAsync(supporter);

        Location(await PostAsync(client, "/supporter/availability", ("Available", "false"), ("Cap", "4"))).ShouldBe("/supporter/availability?saved=true");
        var inputs = await InputsAsync(factory, org);
        inputs.Supporters.Single().Available.ShouldBeFalse();
        inputs.CurrentSupporterIds.ShouldBe([supporter.PersonId]);

        // The certificate lapses: left out.
        factory.Clock.Advance(TimeSpan.FromDays(400));
        (await InputsAsync(factory, org)).Supporters.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_pause_until_today_in_the_organisations_zone_is_accepted_and_a_pause_until_yesterday_there_is_over(Engine engine)
    {
        var (factory, org) = await StartAsync(engine);
        await using var _ = factory;
        var supporter = org[Roles.PeerSupporter];
        await AheadOfUtc.EnterAsync(factory, org.Id);
        await CertifyAsync(factory, org, supporter.PersonId);
        var client = await factory.SignInAsync(supporter);
        (await PageAsync(client, "/supporter/availability")).ShouldContain($"min=\"{AheadOfUtc.Field(AheadOfUtc.LocalDate)}\"");

        // Until 10 March is yesterday in Auckland, though still today in UTC: refused.
        var yesterday = await PostAsync(client, "/supporter/availability", ("Available", "true"), ("Cap", "3"), ("PausedUntil", AheadOfUtc.Field(AheadOfUtc.UtcDate)));
        yesterday.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await yesterday.Content.ReadAsStringAsync()).ShouldContain("The pause must end today or later.");

        // Until 11 March, today in Auckland: saved, and paused for the rest of that day.
        Location(await PostAsync(client, "/supporter/availability", ("Available", "true"), ("Cap", "3"), ("PausedUntil", AheadOfUtc.Field(AheadOfUtc.LocalDate))))
            .ShouldBe("/supporter/availability?saved=true");
        (await PageAsync(client, "/supporter/availability")).ShouldContain("You are paused until 11 March 2031");
        (await InputsAsync(factory, org)).Supporters.Single().Paused.ShouldBeTrue();

        // A pause saved until 10 March ended at midnight in Auckland: offered again, though 10 March is still today in UTC.
        await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            (await db.Set<SupporterSettings>().SingleAsync(x => x.PersonId == supporter.PersonId)).Apply(true, AheadOfUtc.UtcDate, 3, [], [], factory.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        });
        (await InputsAsync(factory, org)).Supporters.Single().Paused.ShouldBeFalse();
        (await PageAsync(client, "/supporter/availability")).ShouldContain("You are available for new support requests, up to 3 at a time.");
    }

    [Fact]
    public async Task A_current_supporter_who_never_set_availability_is_not_available()
    {
        var (factory, org) = await StartAsync();
        await using var _ = factory;
        await CertifyAsync(factory, org, org[Roles.PeerSupporter].PersonId);
        var profile = (await InputsAsync(factory, org)).Supporters.ShouldHaveSingleItem();
        (profile.Available, profile.Cap).ShouldBe((false, SupporterSettings.DefaultCap));
    }

    [Fact]
    public async Task Only_supporters_use_the_supporter_pages_and_only_coordinators_the_wellbeing_page()
    {
        var (factory, org) = await StartAsync();
        await using var _ = factory;
        string[] supporterPages = ["/supporter/availability", "/supporter/check-in", "/supporter/debrief", "/supporter/wellbeing", "/supporter/wellbeing/proqol"];
        foreach (var role in Roles.All)
        {
            var client = await factory.SignInAsync(org[role]);
            foreach (var page in supporterPages.Append("/coordinate/wellbeing"))
            {
                var allowed = page.StartsWith("/supporter", StringComparison.Ordinal) ? role == Roles.PeerSupporter : role == Roles.Coordinator;
                var response = await client.GetAsync(page);
                if (allowed)
                {
                    response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{role} {page}");
                }
                else
                {
                    response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"{role} {page}");
                    response.Headers.Location!.OriginalString.ShouldContain("/account/access-denied");
                }
            }
        }
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task I_need_to_talk_leads_to_the_debrief_form_and_the_request_is_an_individual_alert_whose_note_is_sealed_and_read_audited(Engine engine)
    {
        var (factory, org) = await StartAsync(engine);
        await using var _ = factory;
        var supporter = await factory.SignInAsync(org[Roles.PeerSupporter]);
        var checkIn = "/supporter/check-in";
        (await PageAsync(supporter, checkIn)).ShouldContain("I need to talk to someone");
        (await PostAsync(supporter, checkIn, ("Feeling", "sad"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Location(await PostAsync(supporter, checkIn, ("Feeling", CheckInFeeling.Drained))).ShouldBe("/supporter/check-in?done=true");
        Location(await PostAsync(supporter, checkIn, ("Feeling", CheckInFeeling.NeedToTalk))).ShouldBe("/supporter/debrief?from=check-in");
        (await PageAsync(supporter, "/supporter/debrief?from=check-in")).ShouldContain("You said you need to talk to someone");
        var checkIns = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<SupporterCheckIn>().AsNoTracking().ToListAsync());
        checkIns.Select(c => c.Feeling).Order().ShouldBe([CheckInFeeling.Drained, CheckInFeeling.NeedToTalk]);
        checkIns.ShouldAllBe(c => c.ConversationId == null && c.PersonId == org[Roles.PeerSupporter].PersonId);

        var before = await RowCounts.TakeAsync(factory.Database);
        (await PostAsync(supporter, "/supporter/debrief", ("Urgency", "tomorrow"), ("Note", "x"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        RowCounts.Differences(before, await RowCounts.TakeAsync(factory.Database)).ShouldBeEmpty();
        var note = Canary.New("debrief");
        Location(await PostAsync(supporter, "/supporter/debrief", ("Urgency", DebriefUrgency.Today), ("Note", note))).ShouldBe("/supporter/debrief?sent=true");
        if (engine == Engine.Sqlite)
        {
            Canary.Contains(Canary.SqliteBytes(factory.Database), note).ShouldBeFalse("the note is sealed");
        }

        // Asking for help is the supporter's own business: the log, which administrators read, does not name them.
        var asked = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .SingleAsync(e => e.Action == CareAudit.DebriefRequested));
        asked.ActorKind.ShouldBe(AuditLog.HiddenSupporter);
        asked.ActorId.ShouldBeNull();

        var coordinator = await factory.SignInAsync(org[Roles.Coordinator]);
        // The coordinator's home page says a supporter is waiting, and for today, without who or why.
        var home = PageText.Of(await PageAsync(coordinator, "/"));
        home.ShouldContain("1 debrief request not yet arranged , 1 asked for today");
        home.ShouldNotContain("PeerSupporter of Care Org");
        var list = await PageAsync(coordinator, "/coordinate/wellbeing");
        list.ShouldContain("PeerSupporter of Care Org");
        list.ShouldContain("Today");
        list.ShouldNotContain(note);
        list.ShouldNotContain("Shaken", customMessage: "check-ins are hidden below the minimum group size");
        var id = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<DebriefRequest>().Select(d => d.Id).SingleAsync());
        (await ReadsAsync(factory, org, id)).ShouldBe(0);
        (await PageAsync(coordinator, $"/coordinate/wellbeing/debriefs/{id:D}")).ShouldContain(note);
        (await ReadsAsync(factory, org, id)).ShouldBe(1);
        Location(await PostAsync(coordinator, $"/coordinate/wellbeing/debriefs/{id:D}?handler=Arranged")).ShouldBe("/coordinate/wellbeing?marked=arranged");
        (await coordinator.GetAsync($"/coordinate/wellbeing/debriefs/{Guid.NewGuid():D}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await PageAsync(supporter, "/supporter/debrief")).ShouldContain("Arranged");
        PageText.Of(await PageAsync(coordinator, "/")).ShouldContain("No supporter is waiting for a debrief");
    }

    /// <summary>
    /// Every coordinator is emailed that a supporter asked and how soon, with the link to the well-being page and nothing
    /// that says who or why: not the name, not the note. A coordinator who supports too and asks is emailed like the
    /// others, so the number of emails never tells that a coordinator asked.
    /// </summary>
    [Fact]
    public async Task Asking_for_a_debrief_emails_every_coordinator_that_a_supporter_asked_and_how_soon_but_not_who_or_why()
    {
        await using var sink = new SmtpSink();
        var factory = new UpstanderFactory(Engine.Sqlite, sink.Settings());
        await using var _ = factory;
        var org = await factory.CreateOrganisationAsync("Care Org");
        var supporter = await factory.SignInAsync(org[Roles.PeerSupporter]);
        var note = Canary.New("debrief-mail");
        Location(await PostAsync(supporter, "/supporter/debrief", ("Urgency", DebriefUrgency.Today), ("Note", note))).ShouldBe("/supporter/debrief?sent=true");

        var mail = await sink.WaitForMailToAsync(org[Roles.Coordinator].Email);
        mail.Subject.ShouldBe("Care Org: a peer supporter would like to talk");
        var text = mail.TextBody ?? "";
        text.ShouldContain("A peer supporter has asked a coordinator for a debrief today.");
        text.ShouldContain("/coordinate/wellbeing");
        (mail.Subject + text).ShouldNotContain(note);
        (mail.Subject + text).ShouldNotContain("PeerSupporter of Care Org");
        (await MailsAsync(factory, org)).ShouldBe(1, "one coordinator, one email");

        // The coordinator supports too, and asks: they are emailed as any coordinator is, this time for this week.
        await factory.InScopeAsync(org.Id, async s =>
        {
            var users = s.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Upstander.Features.Accounts.Account>>();
            (await users.AddToRoleAsync((await users.FindByIdAsync(org[Roles.Coordinator].AccountId.ToString()))!, Roles.PeerSupporter)).Succeeded.ShouldBeTrue();
        });
        var coordinator = await factory.SignInAsync(org[Roles.Coordinator]);
        Location(await PostAsync(coordinator, "/supporter/debrief", ("Urgency", DebriefUrgency.ThisWeek))).ShouldBe("/supporter/debrief?sent=true");
        await sink.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == org[Roles.Coordinator].Email)
            && (m.TextBody ?? "").Contains("for a debrief this week.", StringComparison.Ordinal), TimeSpan.FromMinutes(1));
        (await MailsAsync(factory, org)).ShouldBe(2);
    }

    private static Task<int> MailsAsync(UpstanderFactory factory, TestOrganisation org) =>
        factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<Upstander.Platform.Mail.OutgoingMail>()
            .CountAsync(m => m.Purpose == SupporterCare.DebriefMailPurpose));

    private static Task<int> ReadsAsync(UpstanderFactory factory, TestOrganisation org, Guid id) =>
        factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .CountAsync(e => e.Action == AuditActions.ProtectedRead && e.TargetType == CareAudit.TargetDebrief && e.TargetId == id.ToString("N")));

    private static (string, string)[] Answers(int value) => [.. Enumerable.Range(0, 30).Select(i => ($"Answers[{i}]", value.ToString(System.Globalization.CultureInfo.InvariantCulture)))];

    [Fact]
    public async Task The_questionnaire_is_invited_every_90_days_and_a_supporter_sees_only_their_own_scores()
    {
        var (factory, org) = await StartAsync();
        await using var _ = factory;
        var supporter = await factory.SignInAsync(org[Roles.PeerSupporter]);
        (await PageAsync(supporter, "/")).ShouldContain("Time for your well-being check");
        (await PageAsync(supporter, "/supporter")).ShouldContain("Time for your well-being check");

        var before = await RowCounts.TakeAsync(factory.Database);
        var partial = await PostAsync(supporter, "/supporter/wellbeing/proqol", [.. Answers(3).Take(29)]);
        partial.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await partial.Content.ReadAsStringAsync()).ShouldContain("Answer question 30.");
        (await PostAsync(supporter, "/supporter/wellbeing/proqol", [.. Answers(3).SkipLast(1), ("Answers[29]", "6")])).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        RowCounts.Differences(before, await RowCounts.TakeAsync(factory.Database)).ShouldBeEmpty();

        // Someone else's result, with sums the supporter's own can never have.
        await factory.InScopeAsync(org.Id, s => s.GetRequiredService<SupporterWellbeing>().RecordAsync(org[Roles.Employee].PersonId, [.. Enumerable.Repeat(5, 30)], CancellationToken.None));
        Location(await PostAsync(supporter, "/supporter/wellbeing/proqol", Answers(3))).ShouldBe("/supporter/wellbeing?done=true");
        var own = await PageAsync(supporter, "/supporter/wellbeing");
        own.ShouldContain("Compassion satisfaction: 30 (Moderate)");
        own.ShouldContain("Burnout: 30 (Moderate)");
        own.ShouldNotContain(": 50");
        own.ShouldContain("not a diagnosis");
        own.ShouldContain("Center for Victims of Torture");

        factory.Clock.Advance(TimeSpan.FromDays(89));
        supporter = await factory.SignInAsync(org[Roles.PeerSupporter]);
        (await PageAsync(supporter, "/supporter")).ShouldNotContain("Time for your well-being check");
        factory.Clock.Advance(TimeSpan.FromDays(1));
        supporter = await factory.SignInAsync(org[Roles.PeerSupporter]);
        (await PageAsync(supporter, "/supporter")).ShouldContain("Time for your well-being check");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Coordinators_see_aggregates_only_from_the_minimum_group_size_and_only_for_a_completed_quarter(Engine engine)
    {
        var (factory, org) = await StartAsync(engine);
        await using var _ = factory;
        void MoveTo(int year, int month, int day) => MoveClockTo(factory, year, month, day);
        var people = org.Accounts.Values.Select(a => a.PersonId).ToList();
        async Task ContributeAsync(Guid person, int value) => await factory.InScopeAsync(org.Id, async s =>
        {
            await s.GetRequiredService<SupporterWellbeing>().RecordAsync(person, [.. Enumerable.Repeat(value, 30)], CancellationToken.None);
            await s.GetRequiredService<SupporterCare>().RecordCheckInAsync(person, CheckInFeeling.Shaken, null, CancellationToken.None);
        });
        Task<string> PageNowAsync() => AggregatesAsync(factory, org);

        // Four people in the second quarter: once it is over, still fewer than five.
        MoveTo(2031, 5, 10);
        for (var i = 0; i < 4; i++)
        {
            await ContributeAsync(people[i], 3);
        }
        MoveTo(2031, 7, 2);
        var hidden = await PageNowAsync();
        hidden.ShouldContain("last complete quarter: 1 April–30 June 2031");
        hidden.ShouldContain("Fewer than 5 people answered in this quarter");
        hidden.ShouldContain("Fewer than 5 people checked in in this quarter");
        PageText.Of(hidden).ShouldNotContain("Mean", Case.Sensitive);

        // Five in the third (one answering twice counts once): while the quarter goes on, the page a moment before the
        // fifth person answers and a moment after is the same, or the change would give that person's scores.
        MoveTo(2031, 7, 10);
        for (var i = 0; i < 4; i++)
        {
            await ContributeAsync(people[i], 3);
        }
        await ContributeAsync(people[0], 3);
        var before = await PageNowAsync();
        await ContributeAsync(people[4], 5);
        (await PageNowAsync()).ShouldBe(before);

        MoveTo(2031, 10, 2);
        var shown = await PageNowAsync();
        shown.ShouldContain("last complete quarter: 1 July–30 September 2031");
        shown.ShouldNotContain("Fewer than 5 people answered");
        shown.ShouldNotContain("Fewer than 5 people checked in");
        shown.ShouldContain("5 supporters answered");
        shown.ShouldContain("6 check-ins from 5 supporters");
        shown.ShouldContain("34.0", customMessage: "mean compassion satisfaction of 30, 30, 30, 30 and 50");
        shown.ShouldNotContain(org[Roles.Employee].Email);

        // A completed quarter's figures do not change as the next one goes on.
        MoveTo(2031, 11, 20);
        await ContributeAsync(people[5], 1);
        (await PageNowAsync()).ShouldBe(shown);
    }

    /// <summary>
    /// The rule beside the one above: every band's share and every answer's count shows only for at least the minimum
    /// (five), and not where the whole less the others would give the few. Five supporters with one of them burnt out
    /// showed "High 20%", one person; six showed "Moderate 83%", which says that the sixth is low or high; a single
    /// check-in showed "Shaken 1", and one supporter who needed to talk five times showed "5". Now each of them reads
    /// "fewer than 5 people", and so do those the total would give them away by, while a band everyone is in shows.
    /// </summary>
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Coordinators_see_no_band_or_answer_of_fewer_than_the_minimum_nor_one_the_others_would_give_away(Engine engine)
    {
        var (factory, org) = await StartAsync(engine);
        await using var _ = factory;
        var people = org.Accounts.Values.Select(a => a.PersonId).ToList();
        // Compassion satisfaction 50 (high) and secondary traumatic stress 10 (low) for everyone; burnout 30 (moderate),
        // or 50 (high) for the one burnt out: 5 on its items, but 1 on those scored in reverse.
        int[] reversed = [1, 4, 15, 17, 29], secondaryStress = [2, 5, 7, 9, 11, 13, 14, 23, 25, 28], burnout = [1, 4, 8, 10, 15, 17, 19, 21, 26, 29];
        int Answer(int item, bool burntOut) =>
            secondaryStress.Contains(item) ? 1 : !burnout.Contains(item) ? 5 : !burntOut ? 3 : reversed.Contains(item) ? 1 : 5;
        Task AnswerAsync(Guid person, bool burntOut) => factory.InScopeAsync(org.Id, s => s.GetRequiredService<SupporterWellbeing>()
            .RecordAsync(person, [.. Enumerable.Range(1, 30).Select(item => Answer(item, burntOut))], CancellationToken.None));
        Task CheckInAsync(Guid person, string feeling) => factory.InScopeAsync(org.Id, s => s.GetRequiredService<SupporterCare>()
            .RecordCheckInAsync(person, feeling, null, CancellationToken.None));
        Task<string> PageNowAsync() => AggregatesAsync(factory, org);
        const string Fewer = "fewer than 5 people";

        // Five supporters, one burnt out; each checked in fine once, and the burnt-out one shaken once as well.
        MoveClockTo(factory, 2031, 7, 10);
        for (var i = 0; i < 5; i++)
        {
            await AnswerAsync(people[i], burntOut: i == 4);
            await CheckInAsync(people[i], CheckInFeeling.Fine);
        }
        await CheckInAsync(people[4], CheckInFeeling.Shaken);
        MoveClockTo(factory, 2031, 10, 2);
        var five = await PageNowAsync();
        five.ShouldContain("5 supporters answered");
        Row(five, "Burnout").ShouldBe(["34.0", Fewer, Fewer, Fewer], "high is one of five, and low and moderate would give it: 0% and 80%");
        Row(five, "Compassion satisfaction").ShouldBe(["50.0", Fewer, Fewer, "100%"], "a band everyone is in shows");
        Row(five, "Secondary traumatic stress").ShouldBe(["10.0", "100%", Fewer, Fewer]);
        five.ShouldContain("6 check-ins from 5 supporters");
        Row(five, "Shaken").ShouldBe([Fewer, Fewer], "one check-in");
        Row(five, "I'm fine").ShouldBe([Fewer, Fewer], "6 check-ins less 5 fine would give the one shaken");
        Row(five, "A bit drained").ShouldBe([Fewer, Fewer]);
        Row(five, "I need to talk to someone").ShouldBe([Fewer, Fewer]);

        // Six supporters, one burnt out; six fine, five of them drained too and one of those shaken; and one who needed
        // to talk five times (five check-ins, one person).
        MoveClockTo(factory, 2031, 10, 10);
        for (var i = 0; i < 6; i++)
        {
            await AnswerAsync(people[i], burntOut: i == 5);
            await CheckInAsync(people[i], CheckInFeeling.Fine);
            if (i < 5)
            {
                await CheckInAsync(people[i], CheckInFeeling.Drained);
            }
        }
        await CheckInAsync(people[0], CheckInFeeling.Shaken);
        for (var i = 0; i < 5; i++)
        {
            await CheckInAsync(people[5], CheckInFeeling.NeedToTalk);
        }
        MoveClockTo(factory, 2032, 1, 2);
        var six = await PageNowAsync();
        six.ShouldContain("6 supporters answered");
        Row(six, "Burnout").ShouldBe(["33.3", Fewer, Fewer, Fewer], "moderate 83% would say that the sixth is low or high");
        Row(six, "Compassion satisfaction").ShouldBe(["50.0", Fewer, Fewer, "100%"]);
        six.ShouldContain("17 check-ins from 6 supporters");
        Row(six, "I'm fine").ShouldBe(["6", "35%"], "six people said it, and the answers hidden beside it come from all six");
        Row(six, "Shaken").ShouldBe([Fewer, Fewer], "one check-in");
        Row(six, "I need to talk to someone").ShouldBe([Fewer, Fewer], "five check-ins, but one person");
        Row(six, "A bit drained").ShouldBe([Fewer, Fewer], "17 less 6 fine less 5 drained would give the two people shaken or needing to talk");
    }

    private static void MoveClockTo(UpstanderFactory factory, int year, int month, int day) =>
        factory.Clock.Advance(new DateTimeOffset(year, month, day, 12, 0, 0, TimeSpan.Zero) - factory.Clock.GetUtcNow());

    /// <summary>The aggregates' part of the coordinators' well-being page (signing in afresh after each move of the clock).</summary>
    private static async Task<string> AggregatesAsync(UpstanderFactory factory, TestOrganisation org)
    {
        var html = await PageAsync(await factory.SignInAsync(org[Roles.Coordinator]), "/coordinate/wellbeing");
        var start = html.IndexOf("id=\"proqol-heading\"", StringComparison.Ordinal);
        return html[start..html.LastIndexOf("</section>", StringComparison.Ordinal)];
    }

    /// <summary>The cells after a row's heading in the page's tables, as text.</summary>
    private static string[] Row(string html, string heading)
    {
        foreach (Match row in Regex.Matches(html, "<tr>(.*?)</tr>", RegexOptions.Singleline))
        {
            var cells = Regex.Matches(row.Groups[1].Value, "<t[hd][^>]*>(.*?)</t[hd]>", RegexOptions.Singleline).Select(c => PageText.Of(c.Groups[1].Value).Trim()).ToArray();
            if (cells.Length > 0 && cells[0] == heading)
            {
                return cells[1..];
            }
        }
        throw new ShouldAssertException($"the page has no row \"{heading}\"");
    }
}
