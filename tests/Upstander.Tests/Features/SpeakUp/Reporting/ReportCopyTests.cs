using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.SpeakUp.Reporting;

/// <summary>A reporter downloads their own copy of the report and its messages; nobody else can, and the download is an audited read.</summary>
public sealed class ReportCopyTests
{
    [Fact]
    public async Task A_named_reporter_downloads_their_report_with_its_messages_and_nobody_else_can()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Copy Org");
        var me = await factory.SignInAsync(org[Roles.Employee]);
        var page = await ReportingKit.SendNamedAsync(me, ReportingKit.Report("They mocked my work in the meeting", "verbal-abuse",
            ("Input.When", "Every Monday"), ("Input.Named", org[Roles.Coordinator].PersonId.ToString())), [("minutes.txt", "notes"u8.ToArray())]);
        var id = ReportingKit.IdOf(page);
        await ReportingKit.AssignToCaseManagerAsync(factory, org);
        var caseManager = await factory.SignInAsync(org[Roles.CaseManager]);
        (await caseManager.PostFormAsync($"/cases/{id:D}?handler=Send", new() { ["Body"] = "Who else was in the meeting?" }, tokenFrom: $"/cases/{id:D}"))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await me.PostFormAsync(page + "?handler=Reply", new() { ["Reply"] = "Two people from finance." }, tokenFrom: page)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await me.GetStringAsync(page)).ShouldContain("?handler=Copy");

        var copy = await me.GetAsync(page + "?handler=Copy");
        copy.StatusCode.ShouldBe(HttpStatusCode.OK);
        copy.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; charset=utf-8");
        copy.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        copy.Content.Headers.ContentDisposition.FileNameStar.ShouldStartWith("upstander-report-");
        copy.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var text = await copy.Content.ReadAsStringAsync();
        foreach (var expected in new[] { "They mocked my work in the meeting", "Every Monday", "minutes.txt", "Who else was in the meeting?", "Two people from finance.",
                     "Case manager, ", "You, ", "Verbal abuse: shouting, insults, humiliation", "People you named" })
        {
            text.ShouldContain(expected);
        }

        var someoneElse = await factory.SignInAsync(org[Roles.PeerSupporter]);
        (await someoneElse.GetAsync(page + "?handler=Copy")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await factory.Browser().GetAsync(page + "?handler=Copy")).StatusCode.ShouldNotBe(HttpStatusCode.OK);
        var reads = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .Where(e => e.Action == AuditActions.ProtectedRead && e.Detail == "copy").ToListAsync());
        reads.ShouldHaveSingleItem().ActorId.ShouldBe(org[Roles.Employee].AccountId);
        reads[0].TargetId.ShouldBe(id.ToString("N"));
    }

    [Fact]
    public async Task An_anonymous_reporter_downloads_their_copy_within_the_follow_up_session_only()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Anonymous Copy Org");
        var slug = await ReportingKit.SlugAsync(factory, org);
        var visitor = factory.Browser();
        var receipt = await ReportingKit.SendAnonymousAsync(visitor, slug, "Sent without a name");
        var copyUrl = $"/report/{slug}/follow-up/case?handler=Copy";
        (await visitor.GetAsync(copyUrl)).StatusCode.ShouldBe(HttpStatusCode.Redirect, "no follow-up session yet");

        await ReportingKit.FollowUpAsync(visitor, slug, receipt);
        var copy = await visitor.GetAsync(copyUrl);
        copy.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await copy.Content.ReadAsStringAsync()).ShouldContain("Sent without a name");
        var read = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .SingleAsync(e => e.Action == AuditActions.ProtectedRead && e.Detail == "copy"));
        (read.ActorKind, read.ActorId).ShouldBe((AuditLog.HiddenReporter, (Guid?)null));
    }
}
