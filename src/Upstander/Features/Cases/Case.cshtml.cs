using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Features.SpeakUp.Reporting;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Cases;

/// <summary>
/// Working one case: the reporter's account and the people involved (reading it is audited), messages with the
/// reporter, internal notes, status with a reason, assignment and handover, labels, the investigation plan, the
/// outcome and actions taken, and asking a custodian to reveal a held identity. 404 for anyone who may not work it,
/// conflicted case managers included. Every form posts and redirects; invalid input answers 400 and changes nothing.
/// </summary>
[Authorize(Roles = Roles.CaseManager)]
public sealed class CaseModel(CaseWork work, CurrentActor actor, IStringLocalizer<SharedResource> t, ReportFiles files, Platform.Auditing.AuditLog audit) : PageModel
{
    public CaseView View { get; private set; } = null!;

    /// <summary>The evidence files the reporter sent: id and name (names are sealed and opened for this page; a report whose author is held back kept none, and shows neutral ones).</summary>
    public IReadOnlyList<(Guid Id, string Name, long Size)> Files { get; private set; } = [];
    public string? Done { get; private set; }

    [BindProperty] public string? To { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public string? Body { get; set; }

    /// <summary>A message to the reporter sent with a status change (needed when resolving or closing, see <see cref="CaseWork.MustTellReporterAsync"/>).</summary>
    [BindProperty] public string? ToReporter { get; set; }
    [BindProperty] public string? Label { get; set; }
    [BindProperty] public string? Item { get; set; }
    [BindProperty] public Guid? ItemId { get; set; }
    [BindProperty] public bool Ticked { get; set; }
    [BindProperty] public string? Outcome { get; set; }
    [BindProperty] public string? Actions { get; set; }
    [BindProperty] public Guid? AssignTo { get; set; }

    public static string Path(Guid id) => $"/cases/{id:D}";


    public async Task<IActionResult> OnGetAsync(Guid id, string? done, CancellationToken ct)
    {
        // Opening marks the reporter's messages read and a retaliation flag seen: held against retention, as a change is.
        if (actor.PersonId is not { } me || await work.FindToWorkAsync(id, me, ct) is not { } held)
        {
            return NotFound();
        }
        await using var _ = held;
        var report = held.Report;
        Done = done;
        View = await work.OpenAsync(report, me, ct);
        Files = [.. files.Named(await files.ListAsync(report.Id, ct)).Select(f => (f.Row.Id, f.Name, f.Row.Length))];
        return Page();
    }

    /// <summary>Downloads one of the case's evidence files, for a case manager who may work the case; each download is an audited read.</summary>
    public async Task<IActionResult> OnGetFileAsync(Guid id, Guid file, CancellationToken ct)
    {
        if (actor.PersonId is not { } me || await work.FindAsync(id, me, ct) is not { } report
            || await files.OpenAsync(report.Id, file, ct) is not { } opened)
        {
            return NotFound();
        }
        await audit.RecordReadAsync(ReportFile.AuditTarget, file, ct);
        return File(opened.Content, opened.ContentType, opened.FileName);
    }

    public Task<IActionResult> OnPostMoveAsync(Guid id, CancellationToken ct) => ActAsync(id, async (report, me) =>
    {
        if (!Enum.TryParse<ReportStatus>(To, out var to) || !Enum.IsDefined(to) || !CaseReasons.Next(report.Status).Contains(to))
        {
            ModelState.AddModelError(nameof(To), t["Choose a status this case can move to."]);
            return false;
        }
        if (!CaseReasons.IsKnown(to, Reason))
        {
            ModelState.AddModelError(nameof(Reason), t["Choose a reason for this status from the list."]);
            return false;
        }
        if (ToReporter is { Length: > ReportMessage.BodyMaxLength })
        {
            ModelState.AddModelError(nameof(ToReporter), t["Write a message of up to {0} characters.", ReportMessage.BodyMaxLength]);
            return false;
        }
        if (string.IsNullOrWhiteSpace(ToReporter) && await work.MustTellReporterAsync(report, to, ct))
        {
            ModelState.AddModelError(nameof(ToReporter), t["Tell the reporter how the case ended: write them a message with this change. Nobody from the case side has written to them since its last change."]);
            return false;
        }
        await work.MoveAsync(report, to, Reason!, me, ToReporter, ct);
        return true;
    }, "status", ct);

    public Task<IActionResult> OnPostSendAsync(Guid id, CancellationToken ct) => ActAsync(id, async (report, me) =>
    {
        if (!Text(nameof(Body), Body, ReportMessage.BodyMaxLength, t["Write a message of up to {0} characters.", ReportMessage.BodyMaxLength]))
        {
            return false;
        }
        await work.SendAsync(report, Body!, me, ct);
        return true;
    }, "sent", ct);

    public Task<IActionResult> OnPostNoteAsync(Guid id, CancellationToken ct) => ActAsync(id, async (report, me) =>
    {
        if (!Text(nameof(Body), Body, CaseNote.BodyMaxLength, t["Write a note of up to {0} characters.", CaseNote.BodyMaxLength]))
        {
            return false;
        }
        await work.NoteAsync(report, Body!, me, ct);
        return true;
    }, "note", ct);

    public Task<IActionResult> OnPostLabelAsync(Guid id, CancellationToken ct) => LabelAsync(id, true, ct);

    public Task<IActionResult> OnPostUnlabelAsync(Guid id, CancellationToken ct) => LabelAsync(id, false, ct);

    private Task<IActionResult> LabelAsync(Guid id, bool add, CancellationToken ct) => ActAsync(id, async (report, _) =>
    {
        if (!Text(nameof(Label), Label, CaseLabel.TextMaxLength, t["Write a label of up to {0} characters.", CaseLabel.TextMaxLength]))
        {
            return false;
        }
        await work.LabelAsync(report, Label!, add, ct);
        return true;
    }, "labels", ct);

    public Task<IActionResult> OnPostPlanAsync(Guid id, CancellationToken ct) => ActAsync(id, async (report, me) =>
    {
        if (!Text(nameof(Item), Item, CasePlanItem.TextMaxLength, t["Write a plan item of up to {0} characters.", CasePlanItem.TextMaxLength]))
        {
            return false;
        }
        await work.AddPlanItemAsync(report, Item!, me, ct);
        return true;
    }, "plan", ct);

    public async Task<IActionResult> OnPostTickAsync(Guid id, CancellationToken ct)
    {
        if (actor.PersonId is not { } me || ItemId is not { } item || await work.FindToWorkAsync(id, me, ct, toChange: true) is not { } held)
        {
            return NotFound();
        }
        await using (held)
        {
            if (!await work.TickAsync(held.Report, item, Ticked, me, ct))
            {
                return NotFound();
            }
        }
        return Redirect(Path(id) + "?done=plan#plan");
    }

    public Task<IActionResult> OnPostOutcomeAsync(Guid id, CancellationToken ct) => ActAsync(id, async (report, me) =>
    {
        if (!CaseReasons.IsKnown(CaseReasons.Outcomes, Outcome))
        {
            ModelState.AddModelError(nameof(Outcome), t["Choose an outcome from the list."]);
            return false;
        }
        if (Actions is { Length: > CaseOutcome.ActionsMaxLength })
        {
            ModelState.AddModelError(nameof(Actions), t["Describe the actions taken in up to {0} characters.", CaseOutcome.ActionsMaxLength]);
            return false;
        }
        await work.RecordOutcomeAsync(report, Outcome!, Actions, me, ct);
        return true;
    }, "outcome", ct);

    public Task<IActionResult> OnPostTakeAsync(Guid id, CancellationToken ct) => ActAsync(id, async (report, me) =>
    {
        if (report.AssigneeId is not null)
        {
            ModelState.AddModelError(nameof(AssignTo), t["This case already has a case manager."]);
            return false;
        }
        return await work.AssignAsync(report, me, "taken", me, ct);
    }, "assigned", ct);

    public Task<IActionResult> OnPostHandOverAsync(Guid id, CancellationToken ct) => ActAsync(id, async (report, me) =>
    {
        if (!CaseReasons.IsKnown(CaseReasons.Handover, Reason))
        {
            ModelState.AddModelError(nameof(Reason), t["Choose a reason for the handover from the list."]);
            return false;
        }
        if (!await work.HandOverAsync(report, AssignTo, Reason!, me, ct))
        {
            ModelState.AddModelError(nameof(AssignTo), CaseWork.HandoverChosenByUpstander(report)
                ? t["No other case manager may take this case now, so it stays with you."]
                : t["Choose a case manager from the list."]);
            return false;
        }
        return true;
    }, "handed-over", ct, toQueue: true);

    public Task<IActionResult> OnPostRevealAsync(Guid id, CancellationToken ct) => ActAsync(id, async (report, me) =>
    {
        if (!report.IdentityHeld || report.ReporterId is null || await work.RevealPendingAsync(report, ct))
        {
            ModelState.AddModelError(nameof(Reason), t["A reveal cannot be asked for on this case now."]);
            return false;
        }
        if (!CaseReasons.IsKnown(CaseReasons.Reveal, Reason))
        {
            ModelState.AddModelError(nameof(Reason), t["Choose a reason for the request from the list."]);
            return false;
        }
        await work.RequestRevealAsync(report, Reason!, me, ct);
        return true;
    }, "reveal-requested", ct);

    private bool Text(string field, string? value, int max, string message)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > max)
        {
            ModelState.AddModelError(field, message);
            return false;
        }
        return true;
    }

    /// <summary>
    /// Finds the case (404 otherwise), runs the action, and redirects; a refused action re-shows the page with 400. The case
    /// is held meanwhile and read again (<see cref="CaseWork.FindToWorkAsync"/>): 404 if a pass erased it, or another case
    /// manager took it, first; the action checks the case as another change at the same moment left it.
    /// </summary>
    private async Task<IActionResult> ActAsync(Guid id, Func<ReportRecord, Guid, Task<bool>> action, string done, CancellationToken ct, bool toQueue = false)
    {
        if (actor.PersonId is not { } me || await work.FindToWorkAsync(id, me, ct, toChange: true) is not { } held)
        {
            return NotFound();
        }
        await using var _ = held;
        var report = held.Report;
        if (!ModelState.IsValid || !await action(report, me))
        {
            if (ModelState.IsValid)
            {
                ModelState.AddModelError("", t["That could not be done."]);
            }
            View = await work.OpenAsync(report, me, ct);
            return Page();
        }
        return Redirect(toQueue ? "/cases" : Path(id) + "?done=" + done);
    }
}
