using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Cases;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.SpeakUp.Cases;

/// <summary>Retention: a closed case's content goes the configured time after closing, and nothing sooner; checked with canaries in the raw database.</summary>
public sealed class CaseRetentionTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Closed_case_content_goes_after_the_retention_time_and_not_before(Engine engine)
    {
        await using var world = await CaseWorld.StartAsync(engine, new Dictionary<string, string?> { ["SpeakUp:RetentionDays"] = "30" });
        var named = await world.PersonAsync("Named Person", null);
        var id = await world.ReceiveAsync([named], account: Canary.New("account"), assignee: world.CaseManager);
        var open = await world.ReceiveAsync([named], account: Canary.New("kept"), assignee: world.CaseManager);
        var client = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        var path = $"/cases/{id}";
        Location(await PostAsync(client, path + "?handler=Send", ("Body", Canary.New("message"))));
        Location(await PostAsync(client, path + "?handler=Note", ("Body", Canary.New("note"))));
        Location(await PostAsync(client, path + "?handler=Plan", ("Item", Canary.New("plan"))));
        Location(await PostAsync(client, path + "?handler=Label", ("Label", "CANARY-label")));
        Location(await PostAsync(client, path + "?handler=Outcome", ("Outcome", "substantiated"), ("Actions", Canary.New("actions"))));
        Location(await PostAsync(client, path + "?handler=Move", ("To", "Closed"), ("Reason", "outcome-shared")));
        var sealedValues = await SealedAsync(world, id);
        sealedValues.Count.ShouldBe(6);

        world.Factory.Clock.Advance(TimeSpan.FromDays(29));
        (await RunAsync(world)).ShouldBe(ReportRetentionCounts.None);
        world.Factory.Clock.Advance(TimeSpan.FromDays(2));
        (await RunAsync(world)).ShouldBe(new ReportRetentionCounts(1, 1, 1, 1, 1, 1, 0));
        (await RunAsync(world)).ShouldBe(ReportRetentionCounts.None);

        var report = await world.ReportAsync(id);
        (report.AccountSealed, report.InvolvedSealed, report.ContentErasedAt is null).ShouldBe((null, null, false));
        (await world.InScopeAsync((_, db) => db.Set<CaseOutcome>().SingleAsync())).Outcome.ShouldBe("substantiated");
        (await world.ReportAsync(open)).AccountSealed.ShouldNotBeNull();
        client = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        (await client.GetAsync(path)).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound, "an erased case is no longer a case anyone works");

        var raw = engine == Engine.Sqlite ? Canary.SqliteBytes(world.Factory.Database) : await Canary.PostgresDumpAsync(world.Factory.Database);
        foreach (var value in sealedValues)
        {
            Canary.Contains(raw, value).ShouldBeFalse("a removed ciphertext is still in the database");
        }
        var text = Encoding.UTF8.GetString(raw);
        text.ShouldNotContain("CANARY-label");
        text.ShouldNotContain("CANARY-");
    }

    /// <summary>
    /// A closed case past its retention time is kept while the reporter waits for the case side: a message nobody has
    /// read, or a retaliation "yes" since it closed that waits in the queue with nobody holding the case. The first pass
    /// after the message is read, or the case taken, removes it.
    /// </summary>
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_closed_case_is_kept_past_retention_until_what_the_reporter_said_after_it_closed_is_read_or_taken(Engine engine)
    {
        await using var world = await CaseWorld.StartAsync(engine, new Dictionary<string, string?> { ["SpeakUp:RetentionDays"] = "30" });
        var wrote = await world.ReceiveAsync([], assignee: world.CaseManager);
        var flagged = await world.ReceiveAsync([], assignee: world.CaseManager);
        await world.AcknowledgeAndCloseAsync([wrote, flagged], "resolved-informally");
        // The holder of the second case left it: it waits unassigned, as after a sweep.
        await world.InScopeAsync(async (_, db) =>
        {
            (await db.Set<ReportRecord>().SingleAsync(r => r.Id == flagged)).Assign(null);
            return await db.SaveChangesAsync();
        });
        world.Factory.Clock.Advance(TimeSpan.FromDays(31));
        var reporter = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        var page = $"/speak-up/reports/{wrote:D}";
        (await reporter.PostFormAsync(page + "?handler=Reply", new() { ["Reply"] = "It has started again." }, tokenFrom: page)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);
        page = $"/speak-up/reports/{flagged:D}";
        (await reporter.PostFormAsync(page + "?handler=CheckIn", new() { ["Day"] = "30", ["Answer"] = "yes" }, tokenFrom: page)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);

        (await RunAsync(world)).ShouldBe(ReportRetentionCounts.None);
        (await world.ReportAsync(wrote)).ContentErasedAt.ShouldBeNull();
        (await world.ReportAsync(flagged)).ContentErasedAt.ShouldBeNull();

        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        (await manager.GetStringAsync($"/cases/{wrote}")).ShouldContain("It has started again.");
        (await RunAsync(world)).Reports.ShouldBe(1);
        (await world.ReportAsync(wrote)).ContentErasedAt.ShouldNotBeNull();
        (await world.ReportAsync(flagged)).ContentErasedAt.ShouldBeNull();

        Location(await PostAsync(manager, $"/cases/{flagged}?handler=Take"));
        (await RunAsync(world)).Reports.ShouldBe(1);
        (await world.ReportAsync(flagged)).ContentErasedAt.ShouldNotBeNull();
    }

    /// <summary>
    /// A retaliation "yes" on a closed case that a case manager still holds keeps it past retention until a case manager
    /// who may work it has opened it since (its page shows the flag first), and only while one may see it.
    /// </summary>
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_retaliation_yes_on_a_held_closed_case_keeps_it_past_retention_until_the_case_side_has_opened_it(Engine engine)
    {
        await using var world = await CaseWorld.StartAsync(engine, new Dictionary<string, string?> { ["SpeakUp:RetentionDays"] = "30" });
        var seen = await world.ReceiveAsync([], assignee: world.CaseManager);
        var unseeable = await world.ReceiveAsync([], assignee: world.CaseManager);
        await world.AcknowledgeAndCloseAsync([seen, unseeable], "resolved-informally");
        world.Factory.Clock.Advance(TimeSpan.FromDays(31));
        var reporter = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        foreach (var id in new[] { seen, unseeable })
        {
            var page = $"/speak-up/reports/{id:D}";
            (await reporter.PostFormAsync(page + "?handler=CheckIn", new() { ["Day"] = "30", ["Answer"] = "yes" }, tokenFrom: page)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);
            (await world.ReportAsync(id)).AssigneeId.ShouldBe(world.CaseManager, "the holder may still hold it, and was told by email");
        }

        (await RunAsync(world)).ShouldBe(ReportRetentionCounts.None, "nobody on the case side has seen the yes");

        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        (await manager.GetStringAsync($"/cases/{seen}")).ShouldContain("Retaliation reported");
        (await RunAsync(world)).Reports.ShouldBe(1);
        (await world.ReportAsync(seen)).ContentErasedAt.ShouldNotBeNull();
        (await world.ReportAsync(unseeable)).ContentErasedAt.ShouldBeNull();

        // A re-organisation puts the reporter under the only case manager: nobody may see the case, so nothing keeps it.
        await world.ReportToAsync(world.Org[Roles.Employee].PersonId, world.CaseManager);
        (await RunAsync(world)).Reports.ShouldBe(1);
        (await world.ReportAsync(unseeable)).ContentErasedAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task What_the_reporter_said_keeps_a_case_past_retention_only_while_a_case_manager_may_read_it()
    {
        await using var world = await CaseWorld.StartAsync(settings: new Dictionary<string, string?> { ["SpeakUp:RetentionDays"] = "30" });
        var wrote = await world.ReceiveAsync([], assignee: world.CaseManager);
        await world.AcknowledgeAndCloseAsync([wrote], "resolved-informally");
        world.Factory.Clock.Advance(TimeSpan.FromDays(31));
        var reporter = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        var page = $"/speak-up/reports/{wrote:D}";
        (await reporter.PostFormAsync(page + "?handler=Reply", new() { ["Reply"] = "It has started again." }, tokenFrom: page)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);
        (await RunAsync(world)).ShouldBe(ReportRetentionCounts.None);

        // A re-organisation puts the reporter under the only case manager: nobody may read the case any more.
        await world.ReportToAsync(world.Org[Roles.Employee].PersonId, world.CaseManager);
        (await RunAsync(world)).Reports.ShouldBe(1);
        (await world.ReportAsync(wrote)).ContentErasedAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task Once_retention_erased_the_case_the_reporters_page_says_it_is_finished_and_a_forged_reply_or_check_in_stores_nothing()
    {
        await using var sink = new SmtpSink();
        var settings = sink.Settings();
        settings["SpeakUp:RetentionDays"] = "30";
        await using var world = await CaseWorld.StartAsync(settings: settings);
        var id = await world.ReceiveAsync([], assignee: world.CaseManager);
        await world.AcknowledgeAndCloseAsync([id], "resolved-informally");
        world.Factory.Clock.Advance(TimeSpan.FromDays(31));
        (await RunAsync(world)).Reports.ShouldBe(1);
        var reporter = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        var page = $"/speak-up/reports/{id:D}";

        var shown = await reporter.GetStringAsync(page);
        shown.ShouldContain("data-case-finished");
        shown.ShouldContain("This case is finished. What it held (what you wrote, the messages and any files) was deleted after the retention time");
        shown.ShouldNotContain("handler=Reply");
        // The 30-day check-in would be due on a closed case that was not erased.
        shown.ShouldNotContain("Since you reported, have you been treated worse?");

        var reply = await reporter.PostFormAsync(page + "?handler=Reply", new() { ["Reply"] = Canary.New("after-erasure") }, tokenFrom: "/");
        reply.StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);
        (await reply.Content.ReadAsStringAsync()).ShouldContain("This case is finished.");
        var checkIn = await reporter.PostFormAsync(page + "?handler=CheckIn", new() { ["Day"] = "30", ["Answer"] = "yes" }, tokenFrom: "/");
        checkIn.StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);

        var stored = await world.InScopeAsync(async (_, db) => (
            Messages: await db.Set<ReportMessage>().CountAsync(m => m.ReportId == id),
            CheckIns: await db.Set<Upstander.Features.SpeakUp.Reporting.RetaliationCheckIn>().CountAsync(c => c.ReportId == id),
            Mail: await db.Set<Upstander.Platform.Mail.OutgoingMail>().CountAsync(m => m.About == id && m.Purpose != CaseNotices.AssignedPurpose)));
        stored.ShouldBe((0, 0, 0));
        (await world.ReportAsync(id)).RetaliationFlaggedAt.ShouldBeNull();
    }

    /// <summary>
    /// A request to reveal the held-back reporter of a closed case, still pending when retention erases the case, lapses in
    /// the same pass: closed undecided, audited without content, and no longer waiting for any custodian.
    /// </summary>
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_pending_reveal_request_lapses_when_retention_erases_its_case(Engine engine)
    {
        await using var world = await CaseWorld.StartAsync(engine, new Dictionary<string, string?> { ["SpeakUp:RetentionDays"] = "30" });
        var id = await world.ReceiveAsync([], held: true, assignee: world.CaseManager);
        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        Location(await PostAsync(manager, $"/cases/{id}?handler=Reveal", ("Reason", "needed-for-investigation")));
        await world.AcknowledgeAndCloseAsync([id], "resolved-informally");
        var custodian = await world.Factory.SignInAsync(world.Org[Roles.Custodian]);
        (await PageAsync(custodian, "/custodian")).ShouldContain("Blue Heron");
        (await PageAsync(custodian, "/")).ShouldContain("1 request to see a reporter's name is waiting for your decision.");
        var request = await world.InScopeAsync((_, db) => db.Set<RevealRequest>().SingleAsync());

        world.Factory.Clock.Advance(TimeSpan.FromDays(31));
        (await RunAsync(world)).Reports.ShouldBe(1);

        var report = await world.ReportAsync(id);
        var lapsed = await world.InScopeAsync((_, db) => db.Set<RevealRequest>().SingleAsync());
        (lapsed.Status, lapsed.DecidedBy).ShouldBe((RevealStatus.Lapsed, null));
        lapsed.DecidedAt.ShouldBe(report.ContentErasedAt, "closed by the pass that erased the case");
        var audited = await world.InScopeAsync((_, db) => db.AuditEvents.Where(e => e.Action == CaseAudit.RevealLapsed).ToListAsync());
        audited.Select(e => (e.ActorKind, e.ActorId, e.TargetType, e.TargetId, e.Detail)).ShouldBe([(CurrentActor.SystemKind, (Guid?)null, CaseAudit.Target, id.ToString("N"), (string?)null)]);
        custodian = await world.Factory.SignInAsync(world.Org[Roles.Custodian]);
        (await PageAsync(custodian, "/custodian")).ShouldContain("No request is waiting.");
        (await PageAsync(custodian, "/")).ShouldContain("No request to see a reporter's name is waiting.");
        (await PostAsync(custodian, "/custodian", ("RequestId", request.Id.ToString()), ("Decision", "approve"))).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
        (await world.InScopeAsync((s, _) => s.GetRequiredService<CustodianDesk>().UnattendedAsync(CancellationToken.None))).ShouldBe(0);
    }

    /// <summary>A request a pass left pending on a case it erased before requests lapsed with their case is closed by migration 0038, at the moment of the erase.</summary>
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Migration_0038_closes_requests_left_pending_on_cases_erased_before_it(Engine engine)
    {
        await using var world = await CaseWorld.StartAsync(engine);
        var erased = await world.ReceiveAsync([], held: true, assignee: world.CaseManager);
        var kept = await world.ReceiveAsync([], held: true, assignee: world.CaseManager);
        await world.AcknowledgeAndCloseAsync([erased], "resolved-informally");
        await world.InScopeAsync(async (s, db) =>
        {
            foreach (var report in await db.Set<ReportRecord>().ToListAsync())
            {
                await s.GetRequiredService<CaseWork>().RequestRevealAsync(report, "needed-for-investigation", world.CaseManager, CancellationToken.None);
            }
            // As a pass before 0038 erased a case: its request stayed pending.
            (await db.Set<ReportRecord>().SingleAsync(r => r.Id == erased)).EraseContent(world.Factory.Clock.GetUtcNow());
            return await db.SaveChangesAsync();
        });
        // Until then, such a request is listed, counted and decided nowhere; the other one has waited long.
        world.Factory.Clock.Advance(CustodianDesk.LongWait + TimeSpan.FromDays(1));
        var waiting = await world.InScopeAsync(async (s, _) => (
            Listed: (await s.GetRequiredService<CustodianDesk>().PendingAsync(world.Org[Roles.Custodian].PersonId, CancellationToken.None)).Count,
            Unattended: await s.GetRequiredService<CustodianDesk>().UnattendedAsync(CancellationToken.None)));
        waiting.ShouldBe((1, 1));
        await using (var connection = SchemaSnapshot.Open(engine, world.Factory.Database.Connection))
        {
            await SchemaSnapshot.ExecuteAsync(connection, MigrationRunner.Load(world.Factory.Database.Provider).Single(m => m.Version == 38).Sql);
        }
        var requests = await world.InScopeAsync((_, db) => db.Set<RevealRequest>().ToDictionaryAsync(r => r.ReportId));
        (requests[erased].Status, requests[erased].DecidedBy, requests[erased].DecidedAt).ShouldBe((RevealStatus.Lapsed, null, (await world.ReportAsync(erased)).ContentErasedAt));
        (requests[kept].Status, requests[kept].DecidedAt).ShouldBe((RevealStatus.Pending, null));
    }

    [Fact]
    public async Task The_retention_verb_covers_reports()
    {
        await using var world = await CaseWorld.StartAsync();
        var result = await Cli.RunAsync(world.Factory.Database, "retention", "run");
        result.ExitCode.ShouldBe(0, result.Error);
        result.Output.ShouldContain("Retention removed the content of 0 closed reports: 0 messages, 0 notes, 0 plan items, 0 labels, 0 actions, 0 files.");
        result.Output.ShouldContain("Deleted the bytes of 0 evidence files retention had erased and left on disk.");
    }

    private static async Task<ReportRetentionCounts> RunAsync(CaseWorld world)
    {
        var sum = await CaseRetention.RunEverywhereAsync(world.Factory.Services.GetRequiredService<IServiceScopeFactory>(), CancellationToken.None);
        sum.Failures.ShouldBeEmpty();
        return sum.Total;
    }

    private static Task<List<string>> SealedAsync(CaseWorld world, Guid id) => world.InScopeAsync(async (_, db) =>
    {
        var report = await db.Set<ReportRecord>().SingleAsync(r => r.Id == id);
        var values = new List<string?> { report.AccountSealed, report.InvolvedSealed };
        values.AddRange(await db.Set<ReportMessage>().Where(m => m.ReportId == id).Select(m => m.BodySealed).ToListAsync());
        values.AddRange(await db.Set<CaseNote>().Where(m => m.ReportId == id).Select(m => m.BodySealed).ToListAsync());
        values.AddRange(await db.Set<CasePlanItem>().Where(m => m.ReportId == id).Select(m => m.TextSealed).ToListAsync());
        values.AddRange(await db.Set<CaseOutcome>().Where(m => m.ReportId == id).Select(m => m.ActionsSealed).ToListAsync());
        return values.OfType<string>().ToList();
    });
}
