using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.Cases;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Data;
using Upstander.Platform.Mail;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.SpeakUp.Cases;

/// <summary>
/// What a reporter writes reaches the case side: the case list, the home page and (when mail is on) an email say a
/// reporter has written until a case manager opens the case, and a closed case nobody holds comes back into the queue.
/// </summary>
public sealed partial class ReporterMessageTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_reporters_messages_are_flagged_on_the_case_list_and_home_page_until_a_case_manager_opens_the_case(Engine engine)
    {
        await using var world = await CaseWorld.StartAsync(engine);
        var id = await world.ReceiveAsync([], assignee: world.CaseManager);
        var reporter = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        var page = $"/speak-up/reports/{id:D}";

        (await manager.GetStringAsync("/cases")).ShouldNotContain("from the reporter");
        (await manager.GetStringAsync("/")).ShouldNotContain("the reporter has written");

        await ReplyAsync(reporter, page, "It happened again on Tuesday.");
        await ReplyAsync(reporter, page, "And a colleague saw it.");

        (await manager.GetStringAsync("/cases")).ShouldContain("2 new messages from the reporter");
        (await manager.GetStringAsync("/")).ShouldContain("1 case where the reporter has written since it was last opened");

        var opened = await manager.GetStringAsync($"/cases/{id:D}");
        NewMarker().Count(opened).ShouldBe(2);
        opened.ShouldContain("It happened again on Tuesday.");
        opened.ShouldNotContain("data-written-after-closing");

        (await manager.GetStringAsync("/cases")).ShouldNotContain("from the reporter");
        (await manager.GetStringAsync("/")).ShouldNotContain("the reporter has written");
        NewMarker().Count(await manager.GetStringAsync($"/cases/{id:D}")).ShouldBe(0, "shown as new once");
        (await world.InScopeAsync((_, db) => db.Set<ReportMessage>().Where(m => m.ReportId == id && m.FromReporter).Select(m => m.ReadAt).ToListAsync()))
            .ShouldAllBe(read => read != null);

        // A case manager's own messages are never "new from the reporter"; the reporter's next one is.
        Location(await PostAsync(manager, $"/cases/{id:D}?handler=Send", ("Body", "Thank you, we are looking into it.")));
        (await manager.GetStringAsync("/cases")).ShouldNotContain("from the reporter");
        await ReplyAsync(reporter, page, "One more thing.");
        (await manager.GetStringAsync("/cases")).ShouldContain("1 new message from the reporter");

        // Mail is off in this organisation: nothing was queued, and the messages were still saved.
        (await world.InScopeAsync((_, db) => db.Set<OutgoingMail>().CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task A_closed_case_nobody_holds_comes_back_into_the_queue_when_its_reporter_writes_and_the_reporter_is_told_they_may()
    {
        await using var world = await CaseWorld.StartAsync();
        var id = await world.ReceiveAsync([], assignee: world.CaseManager);
        await world.AcknowledgeAndCloseAsync([id], "resolved-informally");
        await world.InScopeAsync(async (_, db) =>
        {
            (await db.Set<ReportRecord>().SingleAsync(r => r.Id == id)).Assign(null);
            return await db.SaveChangesAsync();
        });
        world.Factory.Clock.Advance(TimeSpan.FromDays(3));
        var reporter = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        var page = $"/speak-up/reports/{id:D}";

        (await manager.GetStringAsync("/cases")).ShouldContain("No report is waiting.");
        var reporterPage = await reporter.GetStringAsync(page);
        reporterPage.ShouldContain("This case is closed, but you can still write");

        await ReplyAsync(reporter, page, "It has started again since the case closed.");

        var queue = await manager.GetStringAsync("/cases");
        queue.ShouldNotContain("No report is waiting.");
        queue.ShouldContain("1 new message from the reporter");
        (await manager.GetStringAsync("/")).ShouldContain("1 case where the reporter has written since it was last opened");

        var opened = await manager.GetStringAsync($"/cases/{id:D}");
        opened.ShouldContain("data-written-after-closing");
        opened.ShouldContain("It has started again since the case closed.");
        // The reason must be chosen: the list starts empty and is required, rather than offering the first reason.
        opened.ShouldContain("<select id=\"status-reason\" name=\"Reason\" required>");
        opened.ShouldContain("<option value=\"\">Choose a reason</option>");
        (await manager.GetStringAsync("/cases")).ShouldContain("No report is waiting.");

        // Reopened, the page no longer says it was written after closing.
        Location(await PostAsync(manager, $"/cases/{id:D}?handler=Move", ("To", "Assessing"), ("Reason", "reopened")));
        (await manager.GetStringAsync($"/cases/{id:D}")).ShouldNotContain("data-written-after-closing");
    }

    [Fact]
    public async Task The_case_manager_is_emailed_once_per_unread_run_of_messages_and_never_what_was_written()
    {
        await using var sink = new SmtpSink();
        await using var world = await CaseWorld.StartAsync(settings: sink.Settings());
        var account = Canary.New("reporter-wrote-account");
        var id = await world.ReceiveAsync([], account: account, assignee: world.CaseManager);
        var reporter = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        var page = $"/speak-up/reports/{id:D}";
        var written = Canary.New("reporter-wrote-message");

        await ReplyAsync(reporter, page, written);
        await ReplyAsync(reporter, page, "A second message before anyone has read the first.");
        (await MailCountAsync(world, id)).ShouldBe(1);

        var mail = await sink.WaitForMailToAsync(world.Org[Roles.CaseManager].Email);
        mail.Subject.ShouldBe("Case Org: a reporter has written to the case team");
        var body = mail.TextBody ?? "";
        body.ShouldContain("/cases");
        body.ShouldContain("has written. Please read it and answer.");
        foreach (var secret in new[] { account, written, "A second message", "Blue Heron", $"Employee of {world.Org.Name}", "verbal", id.ToString() })
        {
            (mail.Subject + body).ShouldNotContain(secret);
        }

        // Once the case manager has read them, the next message is told again.
        await manager.GetStringAsync($"/cases/{id:D}");
        await ReplyAsync(reporter, page, "Something new.");
        (await MailCountAsync(world, id)).ShouldBe(2);
    }

    [Fact]
    public async Task When_nobody_holds_the_case_every_case_manager_who_may_see_it_is_emailed_and_a_conflicted_one_is_not()
    {
        await using var sink = new SmtpSink();
        await using var world = await CaseWorld.StartAsync(settings: sink.Settings());
        var (colleague, colleagueEmail) = await world.CaseManagerAsync("Casey Colleague", "casey");
        var (named, namedEmail) = await world.CaseManagerAsync("Nora Named", "nora");
        var id = await world.ReceiveAsync([named]);
        var reporter = await world.Factory.SignInAsync(world.Org[Roles.Employee]);

        await ReplyAsync(reporter, $"/speak-up/reports/{id:D}", "Adding a detail.");

        (await MailCountAsync(world, id)).ShouldBe(2, "the two case managers the report does not name");
        (await sink.WaitForMailToAsync(colleagueEmail)).Subject.ShouldBe("Case Org: a reporter has written to the case team");
        await sink.WaitForMailToAsync(world.Org[Roles.CaseManager].Email);
        sink.Received.ShouldNotContain(m => m.To.Mailboxes.Any(b => b.Address == namedEmail));
        colleague.ShouldNotBe(named);
    }

    /// <summary>
    /// Migration 0028 on data from before it, where no reporter's message was ever marked read: one a case manager has
    /// answered since, or one before the case's last status change, is read; one written after both stays new.
    /// </summary>
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task The_upgrade_marks_read_what_a_case_manager_acted_on_since_and_leaves_new_what_nobody_did(Engine engine)
    {
        await using var world = await CaseWorld.StartAsync(engine);
        var answered = await world.ReceiveAsync([], assignee: world.CaseManager);
        var closedThenWritten = await world.ReceiveAsync([], assignee: world.CaseManager);
        var reporter = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);

        await ReplyAsync(reporter, $"/speak-up/reports/{answered:D}", "Before the answer.");
        world.Factory.Clock.Advance(TimeSpan.FromMinutes(5));
        Location(await PostAsync(manager, $"/cases/{answered:D}?handler=Send", ("Body", "Thank you.")));
        world.Factory.Clock.Advance(TimeSpan.FromMinutes(5));
        await ReplyAsync(reporter, $"/speak-up/reports/{answered:D}", "After the answer.");

        await ReplyAsync(reporter, $"/speak-up/reports/{closedThenWritten:D}", "Before it was closed.");
        world.Factory.Clock.Advance(TimeSpan.FromMinutes(5));
        await world.AcknowledgeAndCloseAsync([closedThenWritten], "resolved-informally");
        world.Factory.Clock.Advance(TimeSpan.FromMinutes(5));
        await ReplyAsync(reporter, $"/speak-up/reports/{closedThenWritten:D}", "After it was closed.");

        var migration = MigrationRunner.Load(engine == Engine.Sqlite ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres).Single(m => m.Version == 28);
        var read = await world.InScopeAsync(async (_, db) =>
        {
            // As before the upgrade: nothing ever marked a reporter's message read.
            foreach (var message in await db.Set<ReportMessage>().Where(m => m.FromReporter).ToListAsync())
            {
                db.Entry(message).Property(m => m.ReadAt).CurrentValue = null;
            }
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync(migration.Sql);
            return await db.Set<ReportMessage>().AsNoTracking().Where(m => m.FromReporter).OrderBy(m => m.SentAt)
                .Select(m => new { m.ReportId, m.Number, m.SentAt, m.ReadAt }).ToListAsync();
        });

        read.Count.ShouldBe(4);
        var answer = await world.InScopeAsync((_, db) => db.Set<ReportMessage>().SingleAsync(m => m.ReportId == answered && !m.FromReporter));
        var closed = await world.ReportAsync(closedThenWritten);
        read.Single(m => m.ReportId == answered && m.Number == 1).ReadAt.ShouldBe(answer.SentAt, "read by the time it was answered");
        read.Single(m => m.ReportId == answered && m.Number == 3).ReadAt.ShouldBeNull();
        read.Single(m => m.ReportId == closedThenWritten && m.Number == 1).ReadAt.ShouldBe(closed.StatusChangedAt, "read by the time the case was closed");
        read.Single(m => m.ReportId == closedThenWritten && m.Number == 2).ReadAt.ShouldBeNull();
        (await manager.GetStringAsync("/cases")).Split("1 new message from the reporter").Length.ShouldBe(3, "one row each");
    }

    private static async Task ReplyAsync(HttpClient reporter, string page, string text) =>
        (await reporter.PostFormAsync(page + "?handler=Reply", new() { ["Reply"] = text }, tokenFrom: page)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

    private static Task<int> MailCountAsync(CaseWorld world, Guid id) =>
        world.InScopeAsync((_, db) => db.Set<OutgoingMail>().CountAsync(m => m.Purpose == CaseNotices.ReporterWrotePurpose && m.About == id));

    [GeneratedRegex("data-new-message")]
    private static partial Regex NewMarker();
}
