using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Auditing;
using Upstander.Platform.Security;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.PeerSupport.Conversations;

/// <summary>
/// Coordinators see who asked for support only when the requester allows it, so the audit log, which administrators
/// read, must not show it either: what a requester does about their own request is recorded without their account,
/// while the supporter's acts carry the supporter's.
/// </summary>
public sealed class RequesterAuditTests
{
    [Fact]
    public async Task Asking_for_support_and_taking_part_in_the_conversation_never_put_the_requesters_account_in_the_log()
    {
        await using var world = await ConversationWorld.StartAsync();
        await world.SendAsync(world.Supporter, "I am here to listen.");
        await world.SendAsync(world.Requester, "Thank you.");
        (await PageAsync(world.Requester, world.Path)).ShouldContain("I am here to listen.");
        (await PageAsync(world.Supporter, world.Path)).ShouldContain("Thank you.");
        Location(await PostAsync(world.Requester, world.Path + "?handler=Close", ("Confirm", "true")));
        Location(await PostAsync(world.Requester, world.Path + "?handler=Feedback", ("FeltHeard", "4"), ("NextSteps", "4"), ("WouldRecommend", "5")));
        var second = await world.AskAsync(world.Requester);
        Location(await PostAsync(world.Requester, $"/support/requests/{second}?handler=Withdraw", ("Confirm", "true")));

        var requester = world.Org[Roles.Employee].AccountId;
        var events = await world.DbAsync(db => db.AuditEvents.OrderBy(e => e.Sequence).ToListAsync());
        events.Where(e => e.ActorId == requester).Select(e => e.Action).Distinct()
            .ShouldAllBe(action => action.StartsWith("account.", StringComparison.Ordinal), "only their own sign-in names the requester");
        var hidden = events.Where(e => e.ActorKind == AuditLog.HiddenRequester).Select(e => e.Action).ToList();
        hidden.ShouldContain("peer-support.request-made");
        hidden.ShouldContain("peer-support.request-withdrawn");
        hidden.ShouldContain(AuditActions.ProtectedRead);
        hidden.ShouldContain("peer-support.conversation-closed");
        hidden.ShouldContain("peer-support.feedback-given");
        events.ShouldContain(e => e.ActorId == world.Org[Roles.PeerSupporter].AccountId && e.Action == AuditActions.ProtectedRead,
            "the supporter's reads of someone else's conversation stay attributed");
    }
}
