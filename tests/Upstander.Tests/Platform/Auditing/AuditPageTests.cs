using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Admin;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Auditing;

/// <summary>The administrators' audit page: their organisation's events only, filtered and paged, and a check of the chain that says nothing of other organisations.</summary>
public sealed partial class AuditPageTests
{
    [Fact]
    public async Task An_admin_reads_filters_and_pages_their_organisations_events_and_no_others()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Audit Page Org");
        var other = await factory.CreateOrganisationAsync("Other Audit Org");
        var employee = org[Roles.Employee];
        // 55 audited reads of one person's note, and one in the other organisation.
        for (var i = 0; i < 55; i++)
        {
            await factory.InScopeAsync(org.Id, s => s.GetRequiredService<PersonEditor>().ReadConfidentialNoteAsync(employee.PersonId, CancellationToken.None));
        }
        await factory.InScopeAsync(other.Id, s => s.GetRequiredService<PersonEditor>().ReadConfidentialNoteAsync(other[Roles.Employee].PersonId, CancellationToken.None));
        var admin = await factory.SignInAsync(org[Roles.Admin]);

        var page = await admin.GetStringAsync("/admin/audit");
        page.ShouldContain("account.sign-in");
        Rows(page).Count.ShouldBe(50);
        page.ShouldNotContain(other[Roles.Employee].PersonId.ToString("N"));

        var reads = await admin.GetStringAsync($"/admin/audit?action=protected.read&id={employee.PersonId:D}");
        var first = Rows(reads);
        first.Count.ShouldBe(50);
        first.ShouldAllBe(r => r.Contains("protected.read") && r.Contains(employee.PersonId.ToString("N")));
        var older = OlderLink().Match(reads).Groups[1].Value.Replace("&amp;", "&", StringComparison.Ordinal);
        older.ShouldContain("action=protected.read");
        var rest = Rows(await admin.GetStringAsync(older));
        rest.Count.ShouldBe(5, "55 reads in all, none shown twice");
        OlderLink().IsMatch(await admin.GetStringAsync(older)).ShouldBeFalse();

        (await admin.GetStringAsync("/admin/audit?action=nothing.like.this")).ShouldContain("No events match.");
        var backwards = await admin.GetAsync("/admin/audit?from=2031-03-02&to=2031-03-01");
        backwards.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await backwards.Content.ReadAsStringAsync()).ShouldContain("The end date is before the start date.");
        // The last and first dates there are: the end date's next midnight would be past the range of times (was a 500).
        foreach (var far in new[] { "to=9999-12-31", "from=0001-01-01", "from=9999-12-31" })
        {
            var outside = await admin.GetAsync("/admin/audit?" + far);
            outside.StatusCode.ShouldBe(HttpStatusCode.BadRequest, far);
            (await outside.Content.ReadAsStringAsync()).ShouldContain("Dates must be between 1900-01-01 and 9998-12-31.");
        }
        var tooLong = await admin.GetAsync("/admin/audit?action=" + new string('a', AuditModel.FilterMaxLength + 1));
        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await tooLong.Content.ReadAsStringAsync()).ShouldContain($"Filters are at most {AuditModel.FilterMaxLength} characters.");

        var viewed = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .Where(e => e.Action == AuditActions.AuditViewed).Select(e => e.Detail).ToListAsync());
        viewed.ShouldContain("filters=action+id");
        viewed.ShouldNotContain(d => d!.Contains(employee.PersonId.ToString("N")), "which filters, never their values");

        var leader = await (await factory.SignInAsync(org[Roles.Leader])).GetAsync("/admin/audit");
        leader.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        leader.Headers.Location!.AbsolutePath.ShouldBe("/account/access-denied");
    }

    [Fact]
    public async Task The_check_finds_a_tampered_event_and_names_it_only_when_it_is_the_organisations_own()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Check Org");
        var other = await factory.CreateOrganisationAsync("Other Check Org");
        var admin = await factory.SignInAsync(org[Roles.Admin]);

        var intact = await admin.PostFormAsync("/admin/audit?handler=Check", [], tokenFrom: "/admin/audit");
        intact.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await intact.Content.ReadAsStringAsync()).ShouldContain("The log is intact");

        var (ours, theirs) = await factory.InScopeAsync(null, async s =>
        {
            var events = s.GetRequiredService<AppDbContext>().AuditEvents.IgnoreQueryFilters();
            return (await events.Where(e => e.OrganisationId == org.Id).MinAsync(e => e.Sequence),
                await events.Where(e => e.OrganisationId == other.Id).MinAsync(e => e.Sequence));
        });
        await using var db = SchemaSnapshot.Open(Engine.Sqlite, factory.Database.Connection);
        await SchemaSnapshot.ExecuteAsync(db, "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;");

        await SchemaSnapshot.ExecuteAsync(db, $"UPDATE audit_events SET \"Outcome\" = 'tampered' WHERE \"Sequence\" = {theirs}");
        var elsewhere = await (await admin.PostFormAsync("/admin/audit?handler=Check", [], tokenFrom: "/admin/audit")).Content.ReadAsStringAsync();
        elsewhere.ShouldContain("The log is broken at an event outside this organisation.");
        elsewhere.ShouldNotContain($"event {theirs}:");

        ours.ShouldBeLessThan(theirs, "the organisation created first wrote first");
        await SchemaSnapshot.ExecuteAsync(db, $"UPDATE audit_events SET \"Outcome\" = 'tampered' WHERE \"Sequence\" = {ours}");
        var here = await (await admin.PostFormAsync("/admin/audit?handler=Check", [], tokenFrom: "/admin/audit")).Content.ReadAsStringAsync();
        here.ShouldContain($"The log is broken at event {ours}: row {ours} was changed after it was written.");
        var checks = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .Where(e => e.Action == AuditActions.AuditChecked).Select(e => e.Outcome).ToListAsync());
        checks[0].ShouldBe("success");
        checks.Skip(1).ShouldAllBe(o => o == "failure");
    }

    private static List<string> Rows(string html) => [.. Row().Matches(html).Select(m => m.Value)];


    [GeneratedRegex("<tr>\\s*<td><time.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex Row();

    [GeneratedRegex("href=\"(/admin/audit\\?[^\"]*before=[0-9]+)\"")]
    private static partial Regex OlderLink();
}
