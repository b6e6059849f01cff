using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Jobs;
using Upstander.Platform.Retention;

namespace Upstander.Features.PeerSupport.Conversations;

/// <summary>What one retention pass removed (counts only).</summary>
public sealed record RetentionCounts(int Conversations, int Messages, int Notes, int Meetings, int Comments)
{
    public static RetentionCounts None { get; } = new(0, 0, 0, 0, 0);

    public RetentionCounts Add(RetentionCounts other) => new(
        Conversations + other.Conversations, Messages + other.Messages, Notes + other.Notes, Meetings + other.Meetings, Comments + other.Comments);

    public override string ToString() =>
        $"conversations={Conversations};messages={Messages};notes={Notes};meetings={Meetings};comments={Comments}";
}

/// <summary>
/// Removes a conversation's content <see cref="ConversationOptions.RetentionDays"/> after it closed (and a withdrawn
/// request's words the same time after withdrawal): the messages (with referral notes), the supporter's notes, the
/// calls and meetings (with their places), read state, safety concerns, the feedback comment, and the request's own words and named
/// people. Timings, status and the feedback numbers stay for figures. A reopened conversation has no close date, so
/// it is not removed until it closes again and that date passes; one with an open safety concern is kept whole until
/// someone records the follow-up. Scoped; acts on the current organisation.
/// </summary>
/// <remarks>
/// Reopening a conversation holds the matching section (<see cref="Conversations.ReopenAsync"/>), so the pass decides and
/// removes inside it too: a conversation reopened before the pass reads is open again and kept, and one the pass has
/// chosen is removed, and marked so, before a reopening can look at it (it is then refused). The removal and the mark
/// are one transaction, so content is never gone from a conversation that could still be reopened.
/// </remarks>
public sealed class ConversationRetention(AppDbContext db, TimeProvider clock, AuditLog audit, IOptions<ConversationOptions> options, SupportOffers offers)
{
    public async Task<RetentionCounts> RunAsync(CancellationToken ct)
    {
        RetentionCounts counts;
        await using (await offers.EnterMatchingAsync(ct))
        {
            counts = await RemoveDueAsync(ct);
        }
        if (counts.Conversations > 0)
        {
            await RetentionStorage.ReclaimAsync(db, ct);
        }
        return counts;
    }

    private async Task<RetentionCounts> RemoveDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var cutoff = now.AddDays(-options.Value.RetentionDays);
        // A conversation with an open safety concern waits for its follow-up: the concern stays open, on the coordinators'
        // list and with the safety steps beside what was written, until someone records it, and goes at the first pass after.
        var due = await db.Set<SupportRequestRecord>()
            .Where(r => r.ContentErasedAt == null
                && ((r.Status == RequestStatus.Closed && r.ClosedAt <= cutoff) || (r.Status == RequestStatus.Withdrawn && r.WithdrawnAt <= cutoff))
                && !db.Set<SafetyConcern>().Any(c => c.RequestId == r.Id && c.FollowedUpAt == null))
            .ToListAsync(ct);
        if (due.Count == 0)
        {
            return RetentionCounts.None;
        }
        var ids = due.Select(r => r.Id).ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var messages = await db.Set<ConversationMessage>().Where(m => ids.Contains(m.RequestId)).ExecuteDeleteAsync(ct);
        var notes = await db.Set<SupporterNote>().Where(n => ids.Contains(n.RequestId)).ExecuteDeleteAsync(ct);
        var meetings = await db.Set<ConversationMeeting>().Where(m => ids.Contains(m.RequestId)).ExecuteDeleteAsync(ct);
        await db.Set<ConversationRead>().Where(r => ids.Contains(r.RequestId)).ExecuteDeleteAsync(ct);
        // Safety concerns say when someone may have been at risk and of what kind: they go with what was written.
        await db.Set<SafetyConcern>().Where(c => ids.Contains(c.RequestId)).ExecuteDeleteAsync(ct);
        var comments = 0;
        foreach (var feedback in await db.Set<SupportFeedbackRecord>().Where(f => ids.Contains(f.RequestId) && f.CommentSealed != null).ToListAsync(ct))
        {
            feedback.EraseComment();
            comments++;
        }
        foreach (var request in due)
        {
            request.EraseContent(now);
        }
        var counts = new RetentionCounts(due.Count, messages, notes, meetings, comments);
        audit.Record(ConversationAudit.RetentionRun, ConversationAudit.Target, detail: counts.ToString());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return counts;
    }

    /// <summary>Runs retention for every organisation, each in its own scope, acting as the system.</summary>
    public static Task<OrganisationsSum<RetentionCounts>> RunEverywhereAsync(IServiceScopeFactory scopes, CancellationToken ct) =>
        EveryOrganisation.SumAsync(scopes, s => s.GetRequiredService<ConversationRetention>().RunAsync(ct), (a, b) => a.Add(b), RetentionCounts.None, ct);

    /// <summary>What the <c>retention run</c> verb prints and the job logs for conversations and requests (counts only).</summary>
    public static RetentionOutcome Outcome(RetentionCounts c) => new(c.Conversations > 0,
        $"Retention removed the content of {c.Conversations} conversations or requests: {c.Messages} messages, {c.Notes} notes, {c.Meetings} meetings, {c.Comments} feedback comments.");
}
