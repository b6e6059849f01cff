using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.SpeakUp.Reporting;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.Features.SpeakUp.Reporting;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Protection;

/// <summary>
/// Reads of sealed text that no feature's own tests counted (see ProtectedReadInventoryTests): each
/// showing is one <c>protected.read</c>, with who read it (never a held-back reporter) and never the text.
/// </summary>
public sealed class ProtectedReadAuditTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Each_showing_of_a_named_reporters_page_is_an_audited_read_by_them_unless_they_are_held_back(bool held)
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Reader Org");
        var employee = org[Roles.Employee];
        var me = await factory.SignInAsync(employee);
        var written = Canary.New("account");
        var answer = Canary.New("answer");
        var fields = ReportingKit.Report(written);
        if (held)
        {
            fields.Add(("Input.HoldIdentity", "true"));
        }
        var page = await ReportingKit.SendNamedAsync(me, fields);
        var id = ReportingKit.IdOf(page);
        await ReportingKit.AssignToCaseManagerAsync(factory, org);
        var caseManager = await factory.SignInAsync(org[Roles.CaseManager]);
        (await caseManager.PostFormAsync($"/cases/{id:D}?handler=Send", new() { ["Body"] = answer }, tokenFrom: $"/cases/{id:D}"))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var before = await ReadsAsync(factory, org.Id, id);
        for (var view = 0; view < 2; view++)
        {
            var html = await me.GetStringAsync(page);
            (html.Contains(written, StringComparison.Ordinal), html.Contains(answer, StringComparison.Ordinal)).ShouldBe((true, true));
        }

        var reads = (await ReadsAsync(factory, org.Id, id)).Skip(before.Count).ToList();
        reads.Count.ShouldBe(2, "one audited read per showing");
        reads.ShouldAllBe(e => e.Detail == null);
        if (held)
        {
            reads.ShouldAllBe(e => e.ActorKind == AuditLog.HiddenReporter && e.ActorId == null);
        }
        else
        {
            reads.ShouldAllBe(e => e.ActorId == employee.AccountId, "case managers see who sent it, so the log may too");
        }
        await NoContentInTheLogAsync(factory, org.Id, written, answer);
    }

    [Fact]
    public async Task Each_showing_of_the_anonymous_follow_up_page_is_an_audited_read_by_nobody_named()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Anonymous Reader Org");
        var slug = await ReportingKit.SlugAsync(factory, org);
        var written = Canary.New("anonymous");
        var visitor = factory.Browser();
        await ReportingKit.FollowUpAsync(visitor, slug, await ReportingKit.SendAnonymousAsync(visitor, slug, written));
        var id = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<Upstander.Features.SpeakUp.Reports.ReportRecord>().Select(r => r.Id).SingleAsync());

        var before = await ReadsAsync(factory, org.Id, id);
        for (var view = 0; view < 2; view++)
        {
            (await visitor.GetStringAsync($"/report/{slug}/follow-up/case")).ShouldContain(written);
        }

        var reads = (await ReadsAsync(factory, org.Id, id)).Skip(before.Count).ToList();
        reads.Count.ShouldBe(2, "one audited read per showing");
        reads.ShouldAllBe(e => e.ActorKind == AuditLog.HiddenReporter && e.ActorId == null);
        await NoContentInTheLogAsync(factory, org.Id, written);
    }

    private static Task<List<AuditEvent>> ReadsAsync(UpstanderFactory factory, Guid organisationId, Guid reportId) =>
        factory.InScopeAsync(organisationId, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .Where(e => e.Action == AuditActions.ProtectedRead && e.TargetType == ReportingAudit.TargetReport && e.TargetId == reportId.ToString("N"))
            .OrderBy(e => e.Sequence).ToListAsync());

    private static async Task NoContentInTheLogAsync(UpstanderFactory factory, Guid organisationId, params string[] canaries)
    {
        var details = await factory.InScopeAsync(organisationId, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .Select(e => (e.Detail ?? "") + "|" + (e.TargetId ?? "") + "|" + (e.TargetType ?? "")).ToListAsync());
        foreach (var canary in canaries)
        {
            details.ShouldNotContain(d => d.Contains(canary, StringComparison.Ordinal));
        }
    }
}
