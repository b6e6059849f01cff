using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;

namespace Upstander.Features.SpeakUp.Reports;

/// <summary>The messages between a report's reporter and its case side: the one way a message is added to the thread.</summary>
public static class ReportThread
{
    /// <summary>
    /// Writes the next message of the report's thread, sealed, with what <paramref name="alongside"/> adds to the same save
    /// (an audit event, the case's feedback time), and saves. The reporter and the case side may write at the same moment:
    /// the unique (report, number) index refuses the second number, and that message takes the next one instead of failing.
    /// </summary>
    public static Task<ReportMessage> SaveNextAsync(
        AppDbContext db, FieldProtector protector, ReportRecord report, bool fromReporter, Guid? authorId, string body, DateTimeOffset now,
        Action<ReportMessage> alongside, CancellationToken ct) =>
        ChangeMark.SaveNumberedAsync(db, async () =>
        {
            var number = (await db.Set<ReportMessage>().Where(m => m.ReportId == report.Id).MaxAsync(m => (int?)m.Number, ct) ?? 0) + 1;
            var message = ReportMessage.Write(report, number, fromReporter, authorId, now);
            message.SealBody(protector.Seal(body.Trim(), ReportMessage.BodyPurpose, message.Id));
            db.Add(message);
            alongside(message);
            return message;
        }, ct);
}
