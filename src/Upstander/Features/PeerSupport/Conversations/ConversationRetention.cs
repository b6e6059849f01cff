using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Jobs;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;

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
/// calls and meetings (with their places), read state, the feedback comment, and the request's own words and named
/// people. Timings, status and the feedback numbers stay for figures. A reopened conversation has no close date, so
/// it is not removed until it closes again and that date passes. Scoped; acts on the current organisation.
/// </summary>
public sealed class ConversationRetention(AppDbContext db, TimeProvider clock, AuditLog audit, IOptions<ConversationOptions> options)
{
    public async Task<RetentionCounts> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var cutoff = now.AddDays(-options.Value.RetentionDays);
        var due = await db.Set<SupportRequestRecord>()
            .Where(r => r.ContentErasedAt == null
                && ((r.Status == RequestStatus.Closed && r.ClosedAt <= cutoff) || (r.Status == RequestStatus.Withdrawn && r.WithdrawnAt <= cutoff)))
            .ToListAsync(ct);
        if (due.Count == 0)
        {
            return RetentionCounts.None;
        }
        var ids = due.Select(r => r.Id).ToList();
        var messages = await db.Set<ConversationMessage>().Where(m => ids.Contains(m.RequestId)).ExecuteDeleteAsync(ct);
        var notes = await db.Set<SupporterNote>().Where(n => ids.Contains(n.RequestId)).ExecuteDeleteAsync(ct);
        var meetings = await db.Set<ConversationMeeting>().Where(m => ids.Contains(m.RequestId)).ExecuteDeleteAsync(ct);
        await db.Set<ConversationRead>().Where(r => ids.Contains(r.RequestId)).ExecuteDeleteAsync(ct);
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
        if (db.Database.IsSqlite())
        {
            // secure_delete zeroes freed space in the pages it rewrites; the checkpoint carries those pages into the
            // database file and empties the write-ahead log, which still held the earlier copies of the rows.
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", ct);
        }
        return counts;
    }

    /// <summary>Runs retention for every organisation, each in its own scope, acting as the system.</summary>
    public static Task<RetentionCounts> RunEverywhereAsync(IServiceScopeFactory scopes, CancellationToken ct) =>
        EveryOrganisation.SumAsync(scopes, s => s.GetRequiredService<ConversationRetention>().RunAsync(ct), (a, b) => a.Add(b), RetentionCounts.None, ct);
}

/// <summary>Runs retention at start and then every <see cref="ConversationOptions.RetentionIntervalMinutes"/>, on the injected clock.</summary>
public sealed class ConversationRetentionJob(IServiceScopeFactory scopes, TimeProvider clock, IOptions<ConversationOptions> options, ILogger<ConversationRetentionJob> logger)
    : PeriodicJob(clock, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromMinutes(Math.Max(1, options.Value.RetentionIntervalMinutes));

    public override async Task RunOnceAsync(CancellationToken ct)
    {
        var counts = await ConversationRetention.RunEverywhereAsync(scopes, ct);
        if (counts.Conversations > 0)
        {
            logger.LogInformation("Conversation retention removed content: {Counts}", counts);
        }
    }
}

/// <summary>The <c>retention run</c> verb: one retention pass over every organisation, printing counts only.</summary>
internal static class ConversationRetentionCli
{
    public static void Add(RootCommand root, Func<ParseResult, Func<IServiceProvider, Task<int>>, bool, Task<int>> inScope, TextWriter output)
    {
        var retention = new Command("retention", "Retention verbs.");
        var run = new Command("run", "Remove conversation and closed reports' content past its retention time, in every organisation; prints counts only.");
        run.SetAction((parse, ct) => inScope(parse, async services =>
        {
            var counts = await ConversationRetention.RunEverywhereAsync(services.GetRequiredService<IServiceScopeFactory>(), ct);
            await output.WriteLineAsync(
                $"Retention removed the content of {counts.Conversations} conversations or requests: {counts.Messages} messages, {counts.Notes} notes, {counts.Meetings} meetings, {counts.Comments} feedback comments.");
            await output.WriteLineAsync(Cases.CaseRetention.Summary(
                await Cases.CaseRetention.RunEverywhereAsync(services.GetRequiredService<IServiceScopeFactory>(), ct)));
            return 0;
        }, true));
        retention.Subcommands.Add(run);
        root.Subcommands.Add(retention);
    }
}
