using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Cases;
using Upstander.Features.SpeakUp.Reporting;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Mail;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.SpeakUp.Cases;

/// <summary>
/// What a reporter sends to a closed case while retention runs over it: a message or a check-in answer and a retention pass
/// are strictly ordered, so what the reporter sends is either seen by the pass (and keeps the case for the case side) or
/// refused because the case is erased, never deleted unread nor stored on an erased case; and a pass erases all of a case
/// or nothing.
/// </summary>
public sealed class CaseRetentionRaceTests
{
    [Theory]
    [InlineData(Engine.Sqlite, false)]
    [InlineData(Engine.Sqlite, true)]
    [InlineData(Engine.Postgres, false)]
    [InlineData(Engine.Postgres, true)]
    public async Task What_a_reporter_sends_while_retention_erases_the_case_waits_and_is_refused_saying_so(Engine engine, bool checkIn)
    {
        // Retention has read which cases are due (this one among them) and is held there, inside its section.
        var gate = new QueryGate("reports", "\"ContentErasedAt\" IS NULL");
        await using var sink = new SmtpSink();
        var (world, reporter, page, token, id) = await DueForRetentionAsync(engine, sink, gate);
        await using var _ = world;
        var sent = Canary.New("sent-while-erased");

        var (counts, answer) = await HeldInProcess.SecondWaitsForFirstAsync(world.Factory, CaseRetention.Section, world.Org.Id, gate,
            () => RetainAsync(world), () => SendAsync(reporter, page, token, checkIn, sent));

        counts.Reports.ShouldBe(1);
        answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await answer.Content.ReadAsStringAsync()).ShouldContain("This case is finished.");
        var report = await world.ReportAsync(id);
        report.ContentErasedAt.ShouldNotBeNull();
        report.RetaliationFlaggedAt.ShouldBeNull();
        (await StoredAsync(world, id)).ShouldBe((0, 0, false));
    }

    [Theory]
    [InlineData(Engine.Sqlite, false)]
    [InlineData(Engine.Sqlite, true)]
    [InlineData(Engine.Postgres, false)]
    [InlineData(Engine.Postgres, true)]
    public async Task Retention_that_arrives_while_a_reporter_sends_to_the_closed_case_waits_and_keeps_the_case_for_the_case_side(Engine engine, bool checkIn)
    {
        // The reporter's post has read the case again inside the section and is held there, about to number the message,
        // or to find which check-in is due.
        var gate = checkIn ? new QueryGate("report_check_ins", "max(") : new QueryGate("report_messages", "max(");
        await using var sink = new SmtpSink();
        var (world, reporter, page, token, id) = await DueForRetentionAsync(engine, sink, gate);
        await using var _ = world;

        var (answer, counts) = await HeldInProcess.SecondWaitsForFirstAsync(world.Factory, CaseRetention.Section, world.Org.Id, gate,
            () => SendAsync(reporter, page, token, checkIn, "It has started again."), () => RetainAsync(world));

        Location(answer).ShouldContain(checkIn ? "done=check-in" : "done=sent");
        counts.ShouldBe(ReportRetentionCounts.None, "what the reporter sent waits for the case side");
        var report = await world.ReportAsync(id);
        report.ContentErasedAt.ShouldBeNull();
        report.AccountSealed.ShouldNotBeNull();
        (await StoredAsync(world, id)).ShouldBe(checkIn ? (0, 1, true) : (1, 0, true));

        // Once the case side has seen it (read the message, or taken the flagged case), the next pass removes the case.
        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        if (checkIn)
        {
            Location(await PostAsync(manager, $"/cases/{id}?handler=Take"));
        }
        (await manager.GetStringAsync($"/cases/{id}")).ShouldContain(checkIn ? "Retaliation reported" : "It has started again.");
        (await RetainAsync(world)).Reports.ShouldBe(1);
    }

    [Theory]
    [InlineData(Engine.Sqlite, "note")]
    [InlineData(Engine.Sqlite, "reopen")]
    [InlineData(Engine.Sqlite, "open")]
    [InlineData(Engine.Sqlite, "approve")]
    [InlineData(Engine.Postgres, "note")]
    [InlineData(Engine.Postgres, "reopen")]
    [InlineData(Engine.Postgres, "approve")]
    public async Task Case_side_work_on_a_closed_case_that_retention_is_erasing_waits_and_finds_the_case_gone(Engine engine, string work)
    {
        // Retention has read which cases are due (this one among them) and is held there, inside its section.
        var gate = new QueryGate("reports", "\"ContentErasedAt\" IS NULL");
        await using var sink = new SmtpSink();
        var (world, id, caseSide) = await CaseSideDueAsync(engine, sink, gate, work);
        await using var _ = world;
        var before = await StoredAsync(world, id);
        var written = Canary.New("written-while-erased");

        var (counts, answer) = await HeldInProcess.SecondWaitsForFirstAsync(world.Factory, CaseRetention.Section, world.Org.Id, gate,
            () => RetainAsync(world), () => caseSide(written));

        counts.Reports.ShouldBe(1);
        answer.StatusCode.ShouldBe(HttpStatusCode.NotFound, "the case is gone by the time the case side may touch it");
        var report = await world.ReportAsync(id);
        report.ContentErasedAt.ShouldNotBeNull();
        report.Status.ShouldBe(ReportStatus.Closed);
        report.IdentityHeld.ShouldBe(work == "approve");
        (await StoredAsync(world, id)).ShouldBe((0, 0, before.Told), "nothing written to the reporter, nobody told more than before");
        (await world.InScopeAsync((_, db) => db.Set<CaseNote>().CountAsync(n => n.ReportId == id))).ShouldBe(0);
    }

    [Theory]
    [InlineData(Engine.Sqlite, "reopen")]
    [InlineData(Engine.Sqlite, "approve")]
    [InlineData(Engine.Postgres, "reopen")]
    [InlineData(Engine.Postgres, "approve")]
    public async Task Retention_that_arrives_while_the_case_side_writes_to_the_closed_case_waits_and_then_sees_what_was_written(Engine engine, string work)
    {
        // The case side has read the case again inside the section and is held there, about to number its message to the
        // reporter (reopening with a message, or a custodian's approval, which tells the reporter).
        var gate = new QueryGate("report_messages", "max(");
        await using var sink = new SmtpSink();
        var (world, id, caseSide) = await CaseSideDueAsync(engine, sink, gate, work);
        await using var _ = world;

        var (answer, counts) = await HeldInProcess.SecondWaitsForFirstAsync(world.Factory, CaseRetention.Section, world.Org.Id, gate,
            () => caseSide("We are looking at this again."), () => RetainAsync(world));

        answer.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var report = await world.ReportAsync(id);
        if (work == "reopen")
        {
            counts.ShouldBe(ReportRetentionCounts.None, "a reopened case is not closed");
            report.Status.ShouldBe(ReportStatus.Assessing);
            report.ContentErasedAt.ShouldBeNull();
            report.AccountSealed.ShouldNotBeNull();
            (await StoredAsync(world, id)).Messages.ShouldBe(1);
        }
        else
        {
            // The approval and its message to the reporter were committed before the pass decided (the case stays closed):
            // the pass then erased the case with that message, leaving nothing behind on it.
            report.IdentityHeld.ShouldBeFalse();
            counts.ShouldBe(ReportRetentionCounts.None with { Reports = 1, Messages = 1 });
            report.ContentErasedAt.ShouldNotBeNull();
            (await StoredAsync(world, id)).Messages.ShouldBe(0);
        }
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_retention_pass_that_fails_midway_erases_nothing_and_the_next_pass_erases_everything(Engine engine)
    {
        // The pass fails at removing the labels: after the files, messages, notes and plan items, before the rest.
        var failure = new CommandFailure("case_labels", "DELETE");
        await using var world = await CaseWorld.StartAsync(engine, new Dictionary<string, string?> { ["SpeakUp:RetentionDays"] = "30" }, failure.Register);
        var (id, fileId) = await world.InScopeAsync(async (s, db) =>
        {
            var content = new ReportDraftContent { Account = Canary.New("account"), Category = "verbal-abuse" };
            var report = await s.GetRequiredService<ReportSubmission>().SubmitAsync(content, ReportWay.Named, world.Org[Roles.Employee].PersonId, identityHeld: false,
                [new PreparedFile("notes.txt", "text/plain", System.Text.Encoding.UTF8.GetBytes(Canary.New("evidence")))], CancellationToken.None);
            return (report.Id, await db.Set<ReportFile>().Where(f => f.ReportId == report.Id).Select(f => f.Id).SingleAsync());
        });
        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        var path = $"/cases/{id}";
        Location(await PostAsync(manager, path + "?handler=Take"));
        Location(await PostAsync(manager, path + "?handler=Move", ("To", "Acknowledged"), ("Reason", "received-and-read")));
        Location(await PostAsync(manager, path + "?handler=Send", ("Body", Canary.New("message"))));
        Location(await PostAsync(manager, path + "?handler=Note", ("Body", Canary.New("note"))));
        Location(await PostAsync(manager, path + "?handler=Plan", ("Item", Canary.New("plan"))));
        Location(await PostAsync(manager, path + "?handler=Label", ("Label", "kept-label")));
        Location(await PostAsync(manager, path + "?handler=Outcome", ("Outcome", "substantiated"), ("Actions", Canary.New("actions"))));
        Location(await PostAsync(manager, path + "?handler=Move", ("To", "Closed"), ("Reason", "outcome-shared")));
        world.Factory.Clock.Advance(TimeSpan.FromDays(31));
        var whole = await ContentAsync(world, id, fileId);
        whole.ShouldBe((false, 1, 1, 1, 1, true, true, true));

        failure.Arm();
        await Should.ThrowAsync<InvalidOperationException>(() => RetainAsync(world));
        failure.Failed.ShouldBeTrue();
        (await ContentAsync(world, id, fileId)).ShouldBe(whole, "a pass that failed midway leaves the case whole");

        (await RetainAsync(world)).ShouldBe(new ReportRetentionCounts(1, 1, 1, 1, 1, 1, 1));
        (await ContentAsync(world, id, fileId)).ShouldBe((true, 0, 0, 0, 0, false, false, false));
    }

    /// <summary>
    /// A closed case past its retention time (30 days) that nobody holds, and its reporter signed in again (the earlier
    /// session has run out in those days) with a token to post on its page; mail is on.
    /// </summary>
    private static async Task<(CaseWorld World, HttpClient Reporter, string Page, string Token, Guid Id)> DueForRetentionAsync(Engine engine, SmtpSink sink, QueryGate gate,
        bool held = false)
    {
        var settings = sink.Settings();
        settings["SpeakUp:RetentionDays"] = "30";
        var world = await CaseWorld.StartAsync(engine, settings, gate.Register);
        var id = await world.ReceiveAsync([], account: Canary.New("account"), assignee: world.CaseManager, held: held);
        await world.AcknowledgeAndCloseAsync([id], "resolved-informally");
        await world.InScopeAsync(async (_, db) =>
        {
            (await db.Set<ReportRecord>().SingleAsync(r => r.Id == id)).Assign(null);
            return await db.SaveChangesAsync();
        });
        world.Factory.Clock.Advance(TimeSpan.FromDays(31));
        var reporter = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        var page = $"/speak-up/reports/{id:D}";
        return (world, reporter, page, await reporter.AntiforgeryTokenAsync(page), id);
    }

    /// <summary>A closed case due for retention (<see cref="DueForRetentionAsync"/>), and the case side's <paramref name="work"/> on it (<see cref="CaseSideAsync"/>).</summary>
    private static async Task<(CaseWorld World, Guid Id, Func<string, Task<HttpResponseMessage>> CaseSide)> CaseSideDueAsync(Engine engine, SmtpSink sink, QueryGate gate,
        string work)
    {
        var (world, _, _, _, id) = await DueForRetentionAsync(engine, sink, gate, held: work == "approve");
        return (world, id, await CaseSideAsync(world, id, work));
    }

    /// <summary>
    /// Signs in who does <paramref name="work"/> on the case side and returns it, ready to run with a text: the case manager
    /// on the case's page (a note, reopening with a message to the reporter, opening the page), or a custodian approving on
    /// theirs a request to reveal the held reporter's name made before the case closed.
    /// </summary>
    private static async Task<Func<string, Task<HttpResponseMessage>>> CaseSideAsync(CaseWorld world, Guid id, string work)
    {
        if (work == "approve")
        {
            var request = await world.RevealRequestAsync(id);
            var custodian = await world.Factory.SignInAsync(world.Org[Roles.Custodian]);
            var desk = await custodian.AntiforgeryTokenAsync("/custodian");
            return _ => custodian.PostWithTokenAsync("/custodian", desk, ("RequestId", request.ToString()), ("Decision", "approve"));
        }
        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        var path = $"/cases/{id:D}";
        var token = await manager.AntiforgeryTokenAsync(path);
        return work switch
        {
            "note" => text => manager.PostWithTokenAsync(path + "?handler=Note", token, ("Body", text)),
            "reopen" => text => manager.PostWithTokenAsync(path + "?handler=Move", token, ("To", "Assessing"), ("Reason", "reopened"), ("ToReporter", text)),
            _ => _ => manager.GetAsync(path),
        };
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient reporter, string page, string token, bool checkIn, string reply) => checkIn
        ? reporter.PostWithTokenAsync(page + "?handler=CheckIn", token, ("Day", "30"), ("Answer", RetaliationCheckIn.Yes))
        : reporter.PostWithTokenAsync(page + "?handler=Reply", token, ("Reply", reply));

    /// <summary>What the reporter's post stored: messages, check-in answers, and whether the case side was emailed.</summary>
    private static Task<(int Messages, int CheckIns, bool Told)> StoredAsync(CaseWorld world, Guid id) => world.InScopeAsync(async (_, db) => (
        await db.Set<ReportMessage>().CountAsync(m => m.ReportId == id),
        await db.Set<RetaliationCheckIn>().CountAsync(c => c.ReportId == id),
        await db.Set<OutgoingMail>().AnyAsync(m => m.About == id && m.Purpose != CaseNotices.AssignedPurpose)));

    /// <summary>
    /// What the case holds: whether it is erased, its messages, notes, plan items and labels, whether the actions taken are
    /// kept, whether its evidence file opens, and whether the file's encrypted bytes are still on disk.
    /// </summary>
    private static Task<(bool Erased, int Messages, int Notes, int Plan, int Labels, bool Actions, bool FileOpens, bool Bytes)> ContentAsync(
        CaseWorld world, Guid id, Guid fileId) => world.InScopeAsync(async (s, db) => (
        await db.Set<ReportRecord>().AnyAsync(r => r.Id == id && r.ContentErasedAt != null && r.AccountSealed == null),
        await db.Set<ReportMessage>().CountAsync(m => m.ReportId == id),
        await db.Set<CaseNote>().CountAsync(n => n.ReportId == id),
        await db.Set<CasePlanItem>().CountAsync(i => i.ReportId == id),
        await db.Set<CaseLabel>().CountAsync(l => l.ReportId == id),
        await db.Set<CaseOutcome>().AnyAsync(o => o.ReportId == id && o.ActionsSealed != null),
        await s.GetRequiredService<ReportFiles>().OpenAsync(id, fileId, CancellationToken.None) is not null,
        File.Exists(Path.Combine(world.Factory.Database.Folder, "uploads", world.Org.Id.ToString("N"), fileId.ToString("N") + ".bin"))));

    private static Task<ReportRetentionCounts> RetainAsync(CaseWorld world) =>
        world.InScopeAsync((s, _) => s.GetRequiredService<CaseRetention>().RunAsync(CancellationToken.None));
}
