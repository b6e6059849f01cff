using Microsoft.EntityFrameworkCore;
using Upstander.Features.PeerSupport.Matching;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.Features.PeerSupport.Conversations;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.PeerSupport.Offers;

/// <summary>
/// Migration 0023 on both engines: a match summary written when past feedback showed for any number of ratings loses its
/// score and breakdown (one requester's rating could be read back from it); summaries written since are left alone.
/// </summary>
public sealed class OfferSummaryMigrationTests
{
    private const string Old =
        "Alex Doe: score 0.812 (Outside the requester's department 1 × weight 3 = 3; Shared experience 0 × weight 2 = 0; Spare capacity 1 × weight 1 = 1; Past feedback 0.75 × weight 1 = 0.75). Hard rules checked: CertifiedAndActive, NotPaused.";
    private const string Current =
        "Alex Doe: score 0.8 (Outside the requester's department 1 × weight 3 = 3; Shared experience 0 × weight 2 = 0; Spare capacity 1 × weight 1 = 1; Past feedback too few ratings to show (neutral) × weight 1 = 0). Hard rules checked: CertifiedAndActive, NotPaused.";

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Old_summaries_lose_their_score_and_breakdown_and_new_ones_stay(Engine engine)
    {
        await using var world = await ConversationWorld.StartAsync(engine);
        var supporter = world.Org[Roles.PeerSupporter].PersonId;
        var (oldId, currentId) = await world.DbAsync(async db =>
        {
            var request = await db.Set<SupportRequestRecord>().SingleAsync(r => r.Id == world.Id);
            var old = SupportOffer.Make(request, supporter, OfferHow.Automatic, Explanation(supporter, Old), world.Factory.Clock.GetUtcNow(), TimeSpan.FromHours(1));
            var current = SupportOffer.Make(request, supporter, OfferHow.Automatic, Explanation(supporter, Current), world.Factory.Clock.GetUtcNow(), TimeSpan.FromHours(1));
            old.Expire(world.Factory.Clock.GetUtcNow());
            current.Expire(world.Factory.Clock.GetUtcNow());
            db.AddRange(old, current);
            await db.SaveChangesAsync();
            return (old.Id, current.Id);
        });

        var provider = engine == Engine.Sqlite ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres;
        var sql = MigrationRunner.Load(provider).Single(m => m.Version == 23).Sql;
        var summaries = await world.DbAsync(async db =>
        {
            await db.Database.ExecuteSqlRawAsync(sql);
            return await db.Set<SupportOffer>().AsNoTracking().Where(o => o.Id == oldId || o.Id == currentId).ToDictionaryAsync(o => o.Id, o => o.CoordinatorSummary);
        });
        summaries[oldId].ShouldBe("Alex Doe: score and breakdown removed (written before past feedback was shown only in groups).");
        summaries[currentId].ShouldBe(Current);
    }

    private static MatchExplanation Explanation(Guid supporter, string summary) =>
        new(supporter, 0, [], [], summary, new RequesterView(false, null, [], "A trained peer supporter."));
}
