using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Features.Cases;
using Upstander.Features.Organisations;
using Upstander.Features.People;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.SpeakUp.Cases;

/// <summary>Conflicts of interest: whoever a report names, and everyone in their management line, never sees, gets or opens it.</summary>
public sealed class ConflictOfInterestTests
{
    /// <summary>The rule itself against a naive walk up every chain, over random charts.</summary>
    [Fact]
    public void The_rule_matches_a_naive_walk_over_random_charts()
    {
        var random = new Random(20240516);
        var checkedCases = 0;
        for (var round = 0; round < 300; round++)
        {
            var n = random.Next(2, 40);
            var ids = Enumerable.Range(0, n).Select(_ => Guid.NewGuid()).ToArray();
            var managers = ids.Select((_, i) => i == 0 || random.Next(6) == 0 ? (Guid?)null : ids[random.Next(i)]).ToArray();
            var chart = OrgChart.Build([.. ids.Select((id, i) => (id, managers[i]))]);
            bool Above(Guid a, Guid b)
            {
                for (var m = managers[Array.IndexOf(ids, b)]; m is { } x; m = managers[Array.IndexOf(ids, x)])
                {
                    if (x == a)
                    {
                        return true;
                    }
                }
                return false;
            }
            var named = Enumerable.Range(0, random.Next(0, 4)).Select(_ => ids[random.Next(n)]).ToList();
            foreach (var person in ids)
            {
                var expected = named.Any(x => x == person || Above(x, person) || Above(person, x));
                chart.IsOrInLineOf(named, person).ShouldBe(expected);
                checkedCases++;
            }
        }
        checkedCases.ShouldBeGreaterThan(1000);
    }

    /// <summary>
    /// Property over random organisation charts on the real services: several case managers, reports naming random
    /// people, routed by a pool rule and by a rule for one case manager; no conflicted case manager is ever routed,
    /// assigned, shown in a list, counted, or able to open a case.
    /// </summary>
    [Fact]
    public async Task No_conflicted_case_manager_is_ever_routed_assigned_shown_or_counted_over_random_charts()
    {
        await using var world = await CaseWorld.StartAsync();
        var random = new Random(7);
        var managers = new List<Guid> { world.CaseManager };
        for (var i = 0; i < 3; i++)
        {
            managers.Add((await world.CaseManagerAsync($"Case manager {i}", $"cm-{i}")).PersonId);
        }
        var others = new List<Guid>();
        for (var i = 0; i < 14; i++)
        {
            others.Add(await world.PersonAsync($"Person {i}", null));
        }
        var everyone = managers.Concat(others).ToList();
        await world.InScopeAsync(async (_, db) =>
        {
            db.Add(RoutingRule.Create(world.Org.Id, 1, "intimidation", null, null, managers[1], world.Factory.Clock.GetUtcNow()));
            db.Add(RoutingRule.Create(world.Org.Id, 2, null, null, null, null, world.Factory.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
            return true;
        });

        var checkedCases = 0;
        for (var round = 0; round < 8; round++)
        {
            // A new random chart: each person reports to someone earlier in a shuffled order, or to nobody.
            var order = everyone.OrderBy(_ => random.Next()).ToList();
            for (var i = 0; i < order.Count; i++)
            {
                await world.ReportToAsync(order[i], i == 0 || random.Next(5) == 0 ? null : order[random.Next(i)]);
            }
            for (var k = 0; k < 30; k++)
            {
                var named = Enumerable.Range(0, random.Next(1, 3)).Select(_ => everyone[random.Next(everyone.Count)]).ToList();
                await world.ReceiveAsync(named, reporter: everyone[random.Next(everyone.Count)], category: random.Next(2) == 0 ? "intimidation" : "verbal-abuse", route: true);
            }
            await world.RunRulesAsync();

            checkedCases += await world.InScopeAsync(async (s, db) =>
            {
                var chart = await s.GetRequiredService<OrgChartCache>().ForAsync(db, CancellationToken.None);
                var work = s.GetRequiredService<CaseWork>();
                var reports = await db.Set<ReportRecord>().ToListAsync();
                // The reporter counts as one of the people the report names.
                var named = reports.ToDictionary(r => r.Id, r => s.GetRequiredService<CaseConflicts>().Named(r)!.Append(r.ReporterId!.Value).ToList());
                foreach (var manager in managers)
                {
                    var conflicted = reports.Where(r => chart.IsOrInLineOf(named[r.Id], manager)).Select(r => r.Id).ToHashSet();
                    var queue = await work.QueueAsync(manager, CancellationToken.None);
                    queue.Unassigned.Concat(queue.Mine).Select(r => r.Id).Intersect(conflicted).ShouldBeEmpty();
                    (await work.OverdueAsync(manager, CancellationToken.None)).Select(r => r.Id).Intersect(conflicted).ShouldBeEmpty();
                    foreach (var report in reports.Where(r => conflicted.Contains(r.Id)))
                    {
                        (await work.FindAsync(report.Id, manager, CancellationToken.None)).ShouldBeNull();
                        (await work.AssignAsync(report, manager, "workload", managers[0], CancellationToken.None)).ShouldBeFalse();
                    }
                    // Counts match those of a world without the conflicted reports: everything counted is visible.
                    var visible = queue.Unassigned.Count + queue.Mine.Count;
                    visible.ShouldBe(reports.Count(r => !conflicted.Contains(r.Id) && (r.AssigneeId == null ? r.Status != ReportStatus.Closed : r.AssigneeId == manager)));
                }
                foreach (var report in reports.Where(r => r.AssigneeId is not null))
                {
                    chart.IsOrInLineOf(named[report.Id], report.AssigneeId!.Value).ShouldBeFalse("a case went to a conflicted case manager");
                }
                return reports.Count;
            });
        }
        checkedCases.ShouldBeGreaterThan(200);
    }

    [Fact]
    public async Task A_conflicted_case_manager_gets_404_and_no_trace_in_lists_or_counts_while_another_works_it()
    {
        await using var world = await CaseWorld.StartAsync();
        var boss = await world.PersonAsync("Boss Person", null);
        await world.ReportToAsync(world.CaseManager, boss);
        // Received long ago: overdue, so it would show in the notice's counts if it were counted.
        var id = await world.ReceiveAsync([boss]);
        world.Factory.Clock.Advance(TimeSpan.FromDays(8));
        var client = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        (await client.GetAsync($"/cases/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var list = await client.GetStringAsync("/cases");
        list.ShouldNotContain(id.ToString());
        list.ShouldNotContain("Overdue: ");
        (await client.GetStringAsync("/cases/overdue")).ShouldNotContain(id.ToString());
        (await client.GetStringAsync("/")).ShouldNotContain("Case deadlines");
        (await TrainingPagesPost(client, $"/cases/{id}?handler=Take")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await world.ReportAsync(id)).AssigneeId.ShouldBeNull();

        // Without the management link the same case manager sees it, overdue.
        await world.ReportToAsync(world.CaseManager, null);
        var after = await client.GetStringAsync("/cases");
        after.ShouldContain(id.ToString());
        after.ShouldContain("Overdue: 1");
    }

    /// <summary>
    /// The reporter counts as named: their own manager, a case manager, never sees, opens or is routed a report they
    /// held their identity back on (they would recognise it); a case manager never handles their own report; and a
    /// custodian never decides the reveal of their own held identity. A colleague outside their lines works both.
    /// </summary>
    [Fact]
    public async Task The_reporter_and_their_management_line_are_conflicted_on_the_report()
    {
        await using var world = await CaseWorld.StartAsync();
        var employee = world.Org[Roles.Employee].PersonId;
        var custodian = world.Org[Roles.Custodian].PersonId;
        await world.ReportToAsync(employee, world.CaseManager);
        var (colleague, _) = await world.CaseManagerAsync("Olive Colleague", "olive");
        var stranger = await world.PersonAsync("Sam Stranger", null);
        var byTheirReport = await world.ReceiveAsync([stranger], reporter: employee, held: true);
        var byTheManager = await world.ReceiveAsync([stranger], reporter: world.CaseManager);
        var byTheCustodian = await world.ReceiveAsync([stranger], reporter: custodian, held: true);

        var client = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        var queue = await client.GetStringAsync("/cases");
        queue.ShouldNotContain(byTheirReport.ToString());
        queue.ShouldNotContain(byTheManager.ToString());
        queue.ShouldContain(byTheCustodian.ToString());
        foreach (var id in new[] { byTheirReport, byTheManager })
        {
            (await client.GetAsync($"/cases/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await TrainingPagesPost(client, $"/cases/{id}?handler=Take")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await world.ReportAsync(id)).AssigneeId.ShouldBeNull();
        }
        var theirs = await world.InScopeAsync(async (s, _) => (await s.GetRequiredService<CaseWork>().QueueAsync(colleague, CancellationToken.None)).Unassigned.Select(r => r.Id).ToList());
        theirs.ShouldBe([byTheirReport, byTheManager, byTheCustodian], ignoreOrder: true);

        // A custodian is not shown, and cannot decide, the request to reveal their own name.
        var request = await world.InScopeAsync(async (s, db) =>
        {
            var report = await db.Set<ReportRecord>().SingleAsync(r => r.Id == byTheCustodian);
            await s.GetRequiredService<CaseWork>().RequestRevealAsync(report, "needed-for-investigation", colleague, CancellationToken.None);
            return await db.Set<RevealRequest>().SingleAsync();
        });
        await world.InScopeAsync(async (s, _) =>
        {
            var desk = s.GetRequiredService<CustodianDesk>();
            (await desk.PendingAsync(custodian, CancellationToken.None)).ShouldBeEmpty();
            (await desk.FindAsync(request.Id, custodian, CancellationToken.None)).ShouldBeNull();
            return true;
        });

        // A rule for the reporter's manager is passed over, and the pool leaves out the reporter and their line.
        await world.InScopeAsync(async (_, db) =>
        {
            db.Add(RoutingRule.Create(world.Org.Id, 1, "verbal-abuse", null, null, world.CaseManager, world.Factory.Clock.GetUtcNow()));
            db.Add(RoutingRule.Create(world.Org.Id, 2, null, null, null, null, world.Factory.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
            return true;
        });
        (await world.ReportAsync(await world.ReceiveAsync([stranger], reporter: employee, held: true, route: true))).AssigneeId.ShouldBe(colleague);
        (await world.ReportAsync(await world.ReceiveAsync([stranger], reporter: world.CaseManager, route: true))).AssigneeId.ShouldBe(colleague);
        (await world.ReportAsync(await world.ReceiveAsync([stranger], route: true, reporter: custodian))).AssigneeId.ShouldBe(world.CaseManager, "sanity: the rule still applies");
    }

    [Fact]
    public async Task A_case_whose_reporter_is_held_back_is_handed_over_to_whom_Upstander_chooses_and_the_page_lists_nobody()
    {
        // A list of the case managers who may take it over would leave out the reporter's own manager, though that
        // manager is unrelated to everyone named: that tells who the reporter may be.
        await using var world = await CaseWorld.StartAsync();
        var employee = world.Org[Roles.Employee].PersonId;
        var (theirManager, _) = await world.CaseManagerAsync("Morgan Linemanager", "morgan");
        var (other, _) = await world.CaseManagerAsync("Beatrix Otherdesk", "beatrix");
        var (quieter, _) = await world.CaseManagerAsync("Cyril Quietdesk", "cyril");
        await world.ReportToAsync(employee, theirManager);
        var stranger = await world.PersonAsync("Sam Stranger", null);
        // Open cases held: the reporter's manager none (but conflicted), Cyril one, Beatrix two. Cyril is the one to choose.
        await world.ReceiveAsync([stranger], assignee: quieter);
        await world.ReceiveAsync([stranger], assignee: other);
        await world.ReceiveAsync([stranger], assignee: other);
        var held = await world.ReceiveAsync([stranger], reporter: employee, held: true, assignee: world.CaseManager);
        var named = await world.ReceiveAsync([stranger], reporter: employee, assignee: world.CaseManager);

        var client = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        var page = await client.GetStringAsync($"/cases/{held}");
        page.ShouldContain("Upstander chooses who takes the case over");
        page.ShouldNotContain("name=\"AssignTo\"");
        page.ShouldNotContain("Beatrix Otherdesk");
        page.ShouldNotContain("Morgan Linemanager");
        // Where the reporter is named the list stays, without their manager (who may not see it).
        var namedPage = await client.GetStringAsync($"/cases/{named}");
        namedPage.ShouldContain("Beatrix Otherdesk");
        namedPage.ShouldNotContain("Morgan Linemanager");

        // Whatever is posted (here the busiest colleague), the case goes to the one with the fewest open cases among those
        // who may see it.
        (await HandOverAsync(client, held, other)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await world.ReportAsync(held)).AssigneeId.ShouldBe(quieter);

        // With every other case manager conflicted (two named, one the reporter's manager), it stays with its holder.
        var nowhere = await world.ReceiveAsync([other, quieter], reporter: employee, held: true, assignee: world.CaseManager);
        var refused = await HandOverAsync(client, nowhere, quieter);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("No other case manager may take this case now, so it stays with you.");
        (await world.ReportAsync(nowhere)).AssigneeId.ShouldBe(world.CaseManager);
    }

    private static async Task<HttpResponseMessage> HandOverAsync(HttpClient client, Guid id, Guid assignTo)
    {
        var token = await client.AntiforgeryTokenAsync($"/cases/{id}");
        return await client.PostAsync($"/cases/{id}?handler=HandOver", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", token), new("Reason", "workload"), new("AssignTo", assignTo.ToString())]));
    }

    private static async Task<HttpResponseMessage> TrainingPagesPost(HttpClient client, string url)
    {
        var token = await client.AntiforgeryTokenAsync("/cases/routing");
        return await client.PostAsync(url, new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
    }
}
