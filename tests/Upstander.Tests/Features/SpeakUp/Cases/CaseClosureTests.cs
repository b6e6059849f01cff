using System.Net;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.SpeakUp.Cases;

/// <summary>
/// Resolving or closing a case tells the reporter how it ended: the change carries a message to them unless a case
/// manager has written since the case last changed, or the reporter (seen by name) has left with no way to read it.
/// </summary>
public sealed class CaseClosureTests
{
    private const string TellThem = "Tell the reporter how the case ended";

    [Fact]
    public async Task A_case_is_not_resolved_or_closed_without_a_word_to_the_reporter()
    {
        await using var world = await CaseWorld.StartAsync();
        var id = await world.ReceiveAsync([], assignee: world.CaseManager);
        var client = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        var path = $"/cases/{id}";

        foreach (var (to, reason) in new[] { ("Closed", "outside-scope"), ("Resolved", "action-taken") })
        {
            var refused = await PostAsync(client, path + "?handler=Move", ("To", to), ("Reason", reason), ("ToReporter", "   "));
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest, to);
            (await refused.Content.ReadAsStringAsync()).ShouldContain(TellThem);
        }
        var tooLong = await PostAsync(client, path + "?handler=Move", ("To", "Closed"), ("Reason", "outside-scope"), ("ToReporter", new string('x', ReportMessage.BodyMaxLength + 1)));
        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var unchanged = await world.ReportAsync(id);
        (unchanged.Status, unchanged.FeedbackGivenAt).ShouldBe((ReportStatus.Received, (DateTimeOffset?)null));
        (await world.InScopeAsync((_, db) => db.Set<ReportMessage>().CountAsync(m => m.ReportId == id))).ShouldBe(0);
        (await world.InScopeAsync((_, db) => db.Set<ReportEvent>().CountAsync(e => e.ReportId == id))).ShouldBe(0);

        // Other moves need no message; one given is sent with the change, in one unit of work.
        Location(await PostAsync(client, path + "?handler=Move", ("To", "Acknowledged"), ("Reason", "received-and-read")));
        Location(await PostAsync(client, path + "?handler=Move", ("To", "Resolved"), ("Reason", "action-taken"), ("ToReporter", "The team had a facilitated session.")));
        var resolved = await world.ReportAsync(id);
        resolved.Status.ShouldBe(ReportStatus.Resolved);
        resolved.FeedbackGivenAt.ShouldNotBeNull("the message with the change is feedback");
        var message = await world.InScopeAsync((_, db) => db.Set<ReportMessage>().SingleAsync(m => m.ReportId == id));
        (message.FromReporter, message.AuthorId).ShouldBe((false, (Guid?)world.CaseManager));
        (await PageAsync(client, path)).ShouldContain("The team had a facilitated session.");

        // Closing after that message needs no other.
        Location(await PostAsync(client, path + "?handler=Move", ("To", "Closed"), ("Reason", "outcome-shared")));
        (await world.ReportAsync(id)).Status.ShouldBe(ReportStatus.Closed);

        // Reopened, the earlier message is older than the last change: closing again asks for a new word.
        Location(await PostAsync(client, path + "?handler=Move", ("To", "Assessing"), ("Reason", "reopened")));
        world.Factory.Clock.Advance(TimeSpan.FromMinutes(1));
        (await PostAsync(client, path + "?handler=Move", ("To", "Closed"), ("Reason", "duplicate"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Location(await PostAsync(client, path + "?handler=Send", ("Body", "We looked again and found it was already handled.")));
        Location(await PostAsync(client, path + "?handler=Move", ("To", "Closed"), ("Reason", "duplicate")));
        (await world.ReportAsync(id)).Status.ShouldBe(ReportStatus.Closed);
    }

    [Fact]
    public async Task A_reporter_seen_by_name_who_left_without_a_receipt_is_not_asked_for_but_a_held_identity_always_is()
    {
        await using var world = await CaseWorld.StartAsync();
        var reporter = world.Org[Roles.Employee];
        var named = await world.ReceiveAsync([], reporter: reporter.PersonId, assignee: world.CaseManager);
        var held = await world.ReceiveAsync([], reporter: reporter.PersonId, held: true, assignee: world.CaseManager);
        var api = await world.Factory.ApiClientAsync(world.Org, world.Org[Roles.Admin]);
        (await api.PostAsync($"/api/v1/people/{reporter.PersonId}/account/deactivate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var client = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);

        (await PostAsync(client, $"/cases/{held}?handler=Move", ("To", "Closed"), ("Reason", "no-response"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest,
            "asking nothing here would tell the case manager that the held reporter has left");
        Location(await PostAsync(client, $"/cases/{named}?handler=Move", ("To", "Closed"), ("Reason", "no-response")));
        (await world.ReportAsync(named)).Status.ShouldBe(ReportStatus.Closed);
        (await world.ReportAsync(held)).Status.ShouldBe(ReportStatus.Received);
    }
}
