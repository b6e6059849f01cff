using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>One of the signed-in person's reports that is waiting for them: a case-side message not yet read, or a check-in due.</summary>
public sealed record ReporterNotice(Guid ReportId, DateTimeOffset SentAt, bool Unread, int? CheckInDay);

/// <summary>
/// On the home page: the person's own reports (named or released from escrow) with a message from the case side they
/// have not read, or a retaliation check-in waiting for an answer, so that a reply or a check-in does not wait unseen
/// until they happen to open the report. Shows nothing when there is nothing waiting.
/// </summary>
public sealed class ReporterNoticeViewComponent(AppDbContext db, CurrentActor actor, TimeProvider clock) : ViewComponent
{
    private sealed record Row(Guid Id, DateTimeOffset ReceivedAt, ReportStatus Status, DateTimeOffset? ClosedAt, bool Unread, int? LatestAnswered);

    /// <summary>Compiled once: every signed-in home page runs it, and almost always finds no report.</summary>
    private static readonly ModelBoundQuery<Func<AppDbContext, Guid, IAsyncEnumerable<Row>>> OwnReports = new(() =>
        EF.CompileAsyncQuery((AppDbContext db, Guid personId) =>
            db.Set<ReportRecord>().Where(r => r.ReporterId == personId && r.ContentErasedAt == null).OrderByDescending(r => r.ReceivedAt)
                .Select(r => new Row(r.Id, r.ReceivedAt, r.Status, r.ClosedAt,
                    db.Set<ReportMessage>().Any(m => m.ReportId == r.Id && !m.FromReporter && m.ReadAt == null),
                    db.Set<RetaliationCheckIn>().Where(c => c.ReportId == r.Id).Max(c => (int?)c.Day)))));

    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (actor.PersonId is not { } personId)
        {
            return Content("");
        }
        var now = clock.GetUtcNow();
        var waiting = new List<ReporterNotice>();
        await foreach (var row in OwnReports.For(db)(db, personId).WithCancellation(HttpContext.RequestAborted))
        {
            var day = RetaliationCheckIn.Due(row.ReceivedAt, row.Status != ReportStatus.Closed, row.ClosedAt, row.LatestAnswered, now);
            if (row.Unread || day is not null)
            {
                waiting.Add(new ReporterNotice(row.Id, row.ReceivedAt, row.Unread, day));
            }
        }
        return waiting.Count == 0 ? Content("") : View("/Features/SpeakUp/Reporting/_ReporterNotice.cshtml", waiting);
    }
}
