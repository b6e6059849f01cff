using System.Net;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.PeerSupport.Care;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.PeerSupport.Conversations.ConversationWorld;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.PeerSupport.Conversations;

/// <summary>
/// The check-in offered after a conversation records which conversation it follows only when that conversation is the
/// supporter's own: a link altered by hand (another supporter's conversation, one that does not exist) is refused with a
/// clear answer and records nothing, and the page offers the check-in again without it.
/// </summary>
public sealed class CheckInConversationTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_check_in_names_only_a_conversation_the_supporter_holds_or_held(Engine engine)
    {
        await using var world = await StartAsync(engine);
        var supporter = world.Org[Roles.PeerSupporter].PersonId;
        Task<List<SupporterCheckIn>> CheckInsAsync() => world.DbAsync(db => db.Set<SupporterCheckIn>().AsNoTracking().ToListAsync());
        string CheckIn(Guid conversation) => $"/supporter/check-in?conversation={conversation:D}";

        // Another supporter's conversation, and one that does not exist: refused, nothing recorded.
        var (_, other) = await world.SecondSupporterAsync();
        var refused = await PostAsync(other, CheckIn(world.Id), ("Feeling", CheckInFeeling.Drained));
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var page = await BodyAsync(refused);
        page.ShouldContain("That is not one of your conversations, so nothing was recorded.");
        page.ShouldNotContain($"value=\"{world.Id:D}\"", customMessage: "the check-in is offered again without the conversation");
        (await PostAsync(world.Supporter, CheckIn(Guid.NewGuid()), ("Feeling", CheckInFeeling.Drained))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CheckInsAsync()).ShouldBeEmpty();

        // The supporter's own conversation, while it is active and once it is closed.
        Location(await PostAsync(world.Supporter, CheckIn(world.Id), ("Feeling", CheckInFeeling.Drained))).ShouldBe("/supporter/check-in?done=true");
        await world.ChangeAsync(world.Id, r => r.Close(ClosedBy.Supporter, world.Factory.Clock.GetUtcNow()));
        (await BodyAsync(await world.Supporter.GetAsync(world.Path))).ShouldContain(CheckIn(world.Id));
        Location(await PostAsync(world.Supporter, CheckIn(world.Id), ("Feeling", CheckInFeeling.Shaken))).ShouldBe("/supporter/check-in?done=true");
        var recorded = await CheckInsAsync();
        recorded.Select(c => c.Feeling).ShouldBe([CheckInFeeling.Drained, CheckInFeeling.Shaken], ignoreOrder: true);
        recorded.ShouldAllBe(c => c.ConversationId == world.Id && c.PersonId == supporter);
    }
}
