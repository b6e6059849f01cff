using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Cases;
using Upstander.Features.SpeakUp.Reporting;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Auditing;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.SpeakUp.Cases;

/// <summary>
/// A report sent through the reporting service reaches case intake (routing rules apply), and the case manager who
/// works it can open its evidence files, each opening audited; nobody else can, and retention removes the files.
/// </summary>
public sealed class CaseEvidenceTests
{
    [Fact]
    public async Task A_sent_report_is_routed_its_files_open_only_for_the_case_manager_working_it_and_retention_removes_them()
    {
        await using var world = await CaseWorld.StartAsync(settings: new Dictionary<string, string?> { ["SpeakUp:RetentionDays"] = "30" });
        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        Location(await PostAsync(manager, "/cases/routing?handler=Add", ("Category", "verbal-abuse"), ("CaseManagerId", world.CaseManager.ToString())));
        var named = await world.PersonAsync("Named Person", null);
        var text = "CANARY-evidence-" + Guid.NewGuid().ToString("N");
        var id = await world.InScopeAsync(async (s, _) =>
        {
            var submission = s.GetRequiredService<ReportSubmission>();
            var content = new ReportDraftContent { Account = "It keeps happening.", Category = "verbal-abuse", Named = [named] };
            (await submission.CheckAsync(content, world.Org[Roles.Employee].PersonId, toSend: true, CancellationToken.None)).ShouldBeEmpty();
            var report = await submission.SubmitAsync(content, ReportWay.Named, world.Org[Roles.Employee].PersonId, identityHeld: false,
                [new PreparedFile("notes.txt", "text/plain", System.Text.Encoding.UTF8.GetBytes(text))], CancellationToken.None);
            return report.Id;
        });
        (await world.ReportAsync(id)).AssigneeId.ShouldBe(world.CaseManager, "the routing rule for the category assigned it on sending");

        var page = await PageAsync(manager, $"/cases/{id}");
        page.ShouldContain("notes.txt");
        var fileId = await world.InScopeAsync((_, db) => db.Set<ReportFile>().Where(f => f.ReportId == id).Select(f => f.Id).SingleAsync());
        var download = await manager.GetAsync($"/cases/{id}?handler=File&file={fileId}");
        download.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await download.Content.ReadAsStringAsync()).ShouldBe(text);
        var reads = await world.InScopeAsync((_, db) => db.AuditEvents.CountAsync(e => e.TargetType == ReportFile.AuditTarget && e.TargetId == fileId.ToString("N")));
        reads.ShouldBe(1);

        // Another file id, another case's file, an employee, or the wrong case: all 404 / refused, and nothing is read.
        (await manager.GetAsync($"/cases/{id}?handler=File&file={Guid.NewGuid()}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var other = await world.ReceiveAsync([named], assignee: world.CaseManager);
        (await manager.GetAsync($"/cases/{other}?handler=File&file={fileId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var employee = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        (await employee.GetAsync($"/cases/{id}?handler=File&file={fileId}")).StatusCode.ShouldNotBe(HttpStatusCode.OK);
        (await world.InScopeAsync((_, db) => db.AuditEvents.CountAsync(e => e.TargetType == ReportFile.AuditTarget && e.TargetId == fileId.ToString("N")))).ShouldBe(1);

        // Closed and past retention: the file's row and bytes go with the rest of the content.
        Location(await PostAsync(manager, $"/cases/{id}?handler=Move", ("To", "Closed"), ("Reason", "outcome-shared"), ("ToReporter", "We have finished looking into this.")));
        world.Factory.Clock.Advance(TimeSpan.FromDays(31));
        var counts = await world.InScopeAsync((s, _) => s.GetRequiredService<CaseRetention>().RunAsync(CancellationToken.None));
        counts.Files.ShouldBe(1);
        (await world.InScopeAsync((_, db) => db.Set<ReportFile>().CountAsync(f => f.ReportId == id))).ShouldBe(0);
        manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        (await manager.GetAsync($"/cases/{id}?handler=File&file={fileId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
