using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Web;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>What the shared follow-up view needs: the report's view, where its forms post, and how the reporter got here.</summary>
public sealed record FollowUpPartModel(FollowUpView View, string Action, bool Sent, bool Anonymous, string? Reply);

/// <summary>Plain words for where a case stands.</summary>
public static class ReportStatusWords
{
    public static string Of(ReportStatus status) => status switch
    {
        ReportStatus.Received => "Received: waiting for a case manager to acknowledge it.",
        ReportStatus.Acknowledged => "Acknowledged: a case manager has it and will decide what to do.",
        ReportStatus.Assessing => "Being assessed: a case manager is working out what to do.",
        ReportStatus.Investigating => "Being investigated.",
        ReportStatus.Resolved => "Resolved: the case manager has finished what they could do.",
        _ => "Closed.",
    };
}

/// <summary>The reporter's follow-up actions (reply, check-in), shared by the named and the anonymous follow-up pages.</summary>
public abstract class FollowUpPageBase(ReporterFollowUp followUp, IStringLocalizer<SharedResource> t) : PageModel
{
    /// <summary>What the page says, and a refused post answers, once retention has erased the case.</summary>
    public const string FinishedText = "This case is finished. What it held (what you wrote, the messages and any files) was deleted after the retention time, so nothing more can be sent or answered here.";

    [BindProperty] public string? Reply { get; set; }
    [BindProperty] public int Day { get; set; }
    [BindProperty] public string? Answer { get; set; }

    public FollowUpPartModel Part { get; protected set; } = null!;

    /// <summary>The report the current visitor is the author of, or null (the page answers 404 or asks to sign in again).</summary>
    protected abstract Task<ReportRecord?> ReportAsync(CancellationToken ct);

    protected abstract string Action { get; }

    protected virtual bool Anonymous => false;

    protected virtual IActionResult Missing() => NotFound();

    protected async Task<IActionResult> ShowAsync(bool sent, CancellationToken ct)
    {
        if (await ReportAsync(ct) is not { } report)
        {
            return Missing();
        }
        return await ShowAsync(report, sent, ct);
    }

    private async Task<IActionResult> ShowAsync(ReportRecord report, bool sent, CancellationToken ct)
    {
        Showing(report);
        Part = new FollowUpPartModel(await followUp.ViewAsync(report, ct), Action, sent, Anonymous, Reply);
        return Page();
    }

    /// <summary>
    /// Refuses a post to a case retention has erased, saying so, and shows the report as it stands (this once even when its
    /// receipt no longer opens it: erased while the post waited, the answer still says why nothing was stored).
    /// </summary>
    private Task<IActionResult> FinishedAsync(ReportRecord report, string field, CancellationToken ct)
    {
        ModelState.AddModelError(field, t[FinishedText]);
        return ShowAsync(report, false, ct);
    }

    /// <summary>Called with the report about to be shown, for what a page adds to the shared view.</summary>
    protected virtual void Showing(ReportRecord report)
    {
    }

    /// <summary>Downloads one of the files the reporter added, as it was stored (cleaned of hidden details); 404 for any other file.</summary>
    public async Task<IActionResult> OnGetFileAsync(Guid file, CancellationToken ct)
    {
        if (await ReportAsync(ct) is not { } report)
        {
            return Missing();
        }
        return await followUp.OpenFileAsync(report, file, ct) is { } opened
            ? File(opened.Content, opened.ContentType, opened.FileName)
            : NotFound();
    }

    /// <summary>The reporter's own copy of the report and its messages, as a text file; audited as a read of the report.</summary>
    public async Task<IActionResult> OnGetCopyAsync([FromServices] Organisations.OrganisationTime time, [FromServices] TimeProvider clock, CancellationToken ct)
    {
        if (await ReportAsync(ct) is not { } report)
        {
            return Missing();
        }
        var view = await followUp.CopyAsync(report, ct);
        return File(ReportCopy.Write(view, t, time, clock.GetUtcNow()), "text/plain; charset=utf-8", ReportCopy.FileName(view));
    }

    public async Task<IActionResult> OnPostReplyAsync(CancellationToken ct)
    {
        if (await ReportAsync(ct) is not { } report)
        {
            return Missing();
        }
        if (report.ContentErased)
        {
            return await FinishedAsync(report, nameof(Reply), ct);
        }
        if (string.IsNullOrWhiteSpace(Reply) || Reply.Length > ReportMessage.BodyMaxLength)
        {
            ModelState.AddModelError(nameof(Reply), t["Write a message of up to {0} characters.", ReportMessage.BodyMaxLength]);
            return await ShowAsync(false, ct);
        }
        // A closed case may be erased by a retention pass while this waits for it: the reply is then refused, and says so.
        return await followUp.ReplyAsync(report, Reply, ct)
            ? Redirect(Action + "?done=sent#messages")
            : await FinishedAsync(report, nameof(Reply), ct);
    }

    public async Task<IActionResult> OnPostCheckInAsync(CancellationToken ct)
    {
        if (await ReportAsync(ct) is not { } report)
        {
            return Missing();
        }
        if (report.ContentErased)
        {
            return await FinishedAsync(report, nameof(Answer), ct);
        }
        switch (await followUp.AnswerCheckInAsync(report, Day, Answer, ct))
        {
            case CheckInOutcome.Recorded:
                return Redirect(Action + "?done=check-in");
            case CheckInOutcome.Finished:
                return await FinishedAsync(report, nameof(Answer), ct);
            case CheckInOutcome.AlreadyAnswered:
                ModelState.AddModelError(nameof(Answer), t["This check-in was already answered, so this answer was not recorded. If something has changed, write to the case team below."]);
                return await ShowAsync(false, ct);
            default:
                ModelState.AddModelError(nameof(Answer), t["Choose one of the answers."]);
                return await ShowAsync(false, ct);
        }
    }
}
