using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Training;

/// <summary>
/// One sign-off request: the candidate's core modules, and the forms to sign off supervised practice
/// (which certifies them) or decline with a reason. Never for the coordinator's own request.
/// </summary>
[Authorize(Roles = Roles.Coordinator)]
public sealed class SignOffModel(AppDbContext db, SupporterCertification certification, CurrentActor actor, OrganisationTime time, IStringLocalizer<SharedResource> t) : PageModel
{
    public SignOffRequest Current { get; private set; } = null!;
    public string CandidateName { get; private set; } = "";
    public string? DecidedBy { get; private set; }
    public string? Note { get; private set; }
    public IReadOnlyList<CoreModuleState> CoreModules { get; private set; } = [];
    public bool IsOwn { get; private set; }

    /// <summary>Today in the organisation's zone, the latest date the practice can have been completed.</summary>
    public string Today => time.Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [BindProperty] public DateOnly? PracticeCompletedOn { get; set; }
    [BindProperty] public bool Confirmed { get; set; }
    [BindProperty] public string? SignOffNote { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        if (!Current.IsOpen)
        {
            Note = await certification.ReadNoteAsync(Current, ct);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostSignOffAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        var today = time.Today;
        if (PracticeCompletedOn is not { } completedOn)
        {
            ModelState.AddModelError(nameof(PracticeCompletedOn), t["Enter the date the supervised practice was completed."]);
        }
        else if (completedOn > today)
        {
            ModelState.AddModelError(nameof(PracticeCompletedOn), t["The date the supervised practice was completed cannot be in the future."]);
        }
        if (!Confirmed)
        {
            ModelState.AddModelError(nameof(Confirmed), t["Confirm that you have observed the supervised practice and that it meets the standard."]);
        }
        if (SignOffNote is { Length: > SignOffRequest.NoteMaxLength })
        {
            ModelState.AddModelError(nameof(SignOffNote), t["The note is longer than {0} characters.", SignOffRequest.NoteMaxLength]);
        }
        return await DecideAsync(ModelState.IsValid ? () => certification.SignOffAsync(id, PracticeCompletedOn!.Value, SignOffNote, ct) : null, "signed-off");
    }

    public async Task<IActionResult> OnPostDeclineAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        if (string.IsNullOrWhiteSpace(Reason))
        {
            ModelState.AddModelError(nameof(Reason), t["Give the candidate a reason, so they know what to work on."]);
        }
        else if (Reason.Length > SignOffRequest.NoteMaxLength)
        {
            ModelState.AddModelError(nameof(Reason), t["The reason is longer than {0} characters.", SignOffRequest.NoteMaxLength]);
        }
        return await DecideAsync(ModelState.IsValid ? () => certification.DeclineAsync(id, Reason!, ct) : null, "declined");
    }

    private async Task<IActionResult> DecideAsync(Func<Task<DecisionOutcome>>? decide, string done)
    {
        if (IsOwn)
        {
            // Refused before anything else is looked at: the service records the refusal.
            await certification.DeclineOwnAttemptAsync(Current, HttpContext.RequestAborted);
            ModelState.Clear();
            ModelState.AddModelError("", t["You cannot decide your own sign-off request: that would be a conflict of interest. Another coordinator must do it."]);
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }
        if (decide is null)
        {
            return Page();
        }
        switch (await decide())
        {
            case DecisionOutcome.Done:
                return Redirect("/coordinate/training?done=" + done);
            case DecisionOutcome.NotFound:
                return NotFound();
            case DecisionOutcome.NoAccount:
                ModelState.AddModelError("", t["This person has no account, so they cannot be given the peer-supporter role. Ask an administrator to invite them first."]);
                return Page();
            default:
                ModelState.AddModelError("", t["This request has already been decided."]);
                return Page();
        }
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var request = await db.Set<SignOffRequest>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (request is null)
        {
            return false;
        }
        Current = request;
        IsOwn = request.PersonId == actor.PersonId;
        var names = await db.People.Where(p => p.Id == request.PersonId || p.Id == request.DecidedByPersonId).Select(p => new { p.Id, p.Name }).ToListAsync(ct);
        CandidateName = names.FirstOrDefault(n => n.Id == request.PersonId)?.Name ?? "";
        DecidedBy = names.FirstOrDefault(n => n.Id == request.DecidedByPersonId)?.Name;
        CoreModules = await certification.CoreModulesAsync(request.PersonId, ct);
        return true;
    }
}
