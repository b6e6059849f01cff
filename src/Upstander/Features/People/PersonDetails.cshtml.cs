using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.Accounts;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.People;

/// <summary>
/// One person, for admins: their details (edited with the same rules as the import), their roles, their
/// place in the chart, and a confidential note that is shown only on request, and every showing audited.
/// </summary>
[Authorize(Roles = Roles.Admin)]
public sealed class PersonDetailsModel(
    AppDbContext db, PersonEditor editor, OrgChartCache charts, AccountLifecycle lifecycle, CurrentActor actor,
    IStringLocalizer<SharedResource> t) : PageModel
{
    public sealed class DetailsInput
    {
        public string? Name { get; set; }
        public string? WorkEmail { get; set; }
        public string? EmployeeId { get; set; }
        public string? Department { get; set; }
        public string? Team { get; set; }
        public string? ManagerEmployeeId { get; set; }
        public string? Location { get; set; }
        public string? PreferredLanguage { get; set; }
        public string? StartDate { get; set; }
        public string? LeaveDate { get; set; }
    }

    [BindProperty]
    public DetailsInput Input { get; set; } = new();

    [BindProperty]
    public List<string> SelectedRoles { get; set; } = [];

    [BindProperty]
    public string? Note { get; set; }

    public PersonView? Person { get; private set; }
    public bool HasAccount => AccountState is not null;

    /// <summary>Whether the person's account works; null when they have none.</summary>
    public AccountState? AccountState { get; private set; }

    /// <summary>The admin is looking at themselves: their own account cannot be deactivated here.</summary>
    public bool IsSelf { get; private set; }

    /// <summary>Why deactivating or reactivating was refused (nothing changed then).</summary>
    public string? AccountMessage { get; private set; }

    /// <summary>The password link just made, on the answer to making it only.</summary>
    public GivenPasswordLink? GivenLink { get; private set; }

    /// <summary>Whether the person's account has two-factor sign-in on.</summary>
    public bool TwoFactorOn { get; private set; }
    public bool HasNote { get; private set; }
    public IReadOnlyList<string> CurrentRoles { get; private set; } = [];
    public IReadOnlyList<PersonView> Managers { get; private set; } = [];
    public int DirectReports { get; private set; }
    public int AllReports { get; private set; }

    /// <summary>Field name (as <see cref="PersonRules"/> names it) -> messages.</summary>
    public Dictionary<string, List<string>> Errors { get; } = new(StringComparer.Ordinal);

    public string? Saved { get; private set; }

    /// <summary>The opened note: set only by the "Show confidential note" post, after the read is audited.</summary>
    public string? RevealedNote { get; private set; }
    public bool NoteRevealed { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? saved, CancellationToken ct)
    {
        if (!await LoadAsync(id, fillInput: true, ct))
        {
            return NotFound();
        }
        Saved = saved;
        return Page();
    }

    public async Task<IActionResult> OnPostDetailsAsync(Guid id, CancellationToken ct)
    {
        var start = ParseDate(Input.StartDate, PeopleCsv.StartDate);
        var leave = ParseDate(Input.LeaveDate, PeopleCsv.LeaveDate);
        if (Errors.Count == 0)
        {
            var result = await editor.UpdateAsync(id, new PersonDetails(Input.Name ?? "", Input.WorkEmail ?? "", Input.EmployeeId ?? "",
                Input.Department, Input.Team, Input.ManagerEmployeeId, Input.Location, Input.PreferredLanguage, start, leave), ct);
            if (!result.Found)
            {
                return NotFound();
            }
            if (result.NeedsRecentSignIn)
            {
                return ConfirmFirst(id);
            }
            if (result.Succeeded)
            {
                return Redirect($"/admin/people/{id:D}?saved=details");
            }
            foreach (var error in result.Errors)
            {
                AddError(error.Field, error.Message);
            }
        }
        return await LoadAsync(id, fillInput: false, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostRolesAsync(Guid id, CancellationToken ct)
    {
        var result = await editor.SetRolesAsync(id, SelectedRoles, ct);
        if (!result.Found)
        {
            return NotFound();
        }
        if (result.NeedsRecentSignIn)
        {
            return ConfirmFirst(id);
        }
        if (result.Succeeded)
        {
            return Redirect($"/admin/people/{id:D}?saved=roles");
        }
        foreach (var error in result.Errors)
        {
            AddError(error.Field, error.Message);
        }
        return await LoadAsync(id, fillInput: true, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostNoteAsync(Guid id, CancellationToken ct)
    {
        var result = await editor.WriteConfidentialNoteAsync(id, Note, ct);
        if (!result.Found)
        {
            return NotFound();
        }
        if (result.Succeeded)
        {
            return Redirect($"/admin/people/{id:D}?saved=note");
        }
        foreach (var error in result.Errors)
        {
            AddError(error.Field, error.Message);
        }
        return await LoadAsync(id, fillInput: true, ct) ? Page() : NotFound();
    }

    /// <summary>Stops the person's account (see <see cref="AccountLifecycle"/>); refused for the admin's own account.</summary>
    public Task<IActionResult> OnPostDeactivateAsync(Guid id, CancellationToken ct) => ChangeAccountAsync(id, lifecycle.DeactivateAsync, "deactivated", ct);

    /// <summary>Lets a deactivated account sign in again; refused while the person's leave date has passed.</summary>
    public Task<IActionResult> OnPostReactivateAsync(Guid id, CancellationToken ct) => ChangeAccountAsync(id, lifecycle.ReactivateAsync, "reactivated", ct);

    /// <summary>
    /// Changing roles, reactivating, a password link and turning two-factor off each hand someone a way into an account
    /// or widen one, so their services refuse them without a recent sign-in (<see cref="RecentSignIn"/>): the administrator
    /// confirms it is them and comes back to this page; nothing has changed.
    /// </summary>
    private static RedirectResult ConfirmFirst(Guid id) => RecentSignIn.ConfirmFirst($"/admin/people/{id:D}");

    private async Task<IActionResult> ChangeAccountAsync(Guid id, Func<Guid, CancellationToken, Task<AccountChangeRefusal>> change, string saved, CancellationToken ct) =>
        await change(id, ct) is var refusal && refusal == AccountChangeRefusal.None
            ? Redirect($"/admin/people/{id:D}?saved={saved}")
            : await AccountAnswerAsync(id, refusal, saved, ct);

    /// <summary>A one-time link for the person to set a new password, shown here once and emailed to them when mail is on.</summary>
    public async Task<IActionResult> OnPostPasswordLinkAsync(Guid id, [FromServices] AccountRecovery recovery, CancellationToken ct)
    {
        (GivenLink, var refusal) = await recovery.GiveLinkAsync(id, $"{Request.Scheme}://{Request.Host}", ct);
        return await AccountAnswerAsync(id, refusal, "password", ct);
    }

    /// <summary>Two-factor off for someone who lost their authenticator and recovery codes; every session of theirs ends.</summary>
    public async Task<IActionResult> OnPostTwoFactorOffAsync(Guid id, [FromServices] AccountRecovery recovery, CancellationToken ct) =>
        await AccountAnswerAsync(id, await recovery.TurnOffTwoFactorAsync(id, ct), "two-factor-off", ct);

    /// <summary>
    /// The page after a change to the person's account, on this answer (never after a redirect, so that a password link is
    /// shown once): what was done, or why it was refused with nothing changed (400).
    /// </summary>
    private async Task<IActionResult> AccountAnswerAsync(Guid id, AccountChangeRefusal refusal, string saved, CancellationToken ct)
    {
        if (refusal == AccountChangeRefusal.NotRecent)
        {
            return ConfirmFirst(id);
        }
        if (refusal == AccountChangeRefusal.NoAccount || !await LoadAsync(id, fillInput: true, ct))
        {
            return NotFound();
        }
        if (refusal == AccountChangeRefusal.None)
        {
            Saved = saved;
            return Page();
        }
        AccountMessage = refusal switch
        {
            AccountChangeRefusal.OwnAccount when saved == "deactivated" => t["You cannot deactivate your own account. Ask another administrator."],
            AccountChangeRefusal.OwnAccount => t["For your own account, use your account page."],
            AccountChangeRefusal.NotActive => t["The account is deactivated. Reactivate it first."],
            _ => t["Their leave date has passed, so the account cannot work again. Clear or move the leave date first."],
        };
        ModelState.AddModelError("", AccountMessage);
        return Page();
    }

    /// <summary>A post, not a link: showing the note is an action that is recorded, and must not be prefetched or bookmarked.</summary>
    public async Task<IActionResult> OnPostShowNoteAsync(Guid id, CancellationToken ct)
    {
        var (found, note) = await editor.ReadConfidentialNoteAsync(id, ct);
        if (!found || !await LoadAsync(id, fillInput: true, ct))
        {
            return NotFound();
        }
        NoteRevealed = true;
        RevealedNote = note;
        Note = note;
        return Page();
    }

    public string? ErrorId(string field) => Errors.ContainsKey(field) ? "error-" + field : null;

    private async Task<bool> LoadAsync(Guid id, bool fillInput, CancellationToken ct)
    {
        Person = await PersonQueries.ToViews(db, db.People.Where(p => p.Id == id)).SingleOrDefaultAsync(ct);
        if (Person is null)
        {
            return false;
        }
        HasNote = await db.People.Where(p => p.Id == id).Select(p => p.ConfidentialNoteSealed != null).SingleAsync(ct);
        var account = await editor.AccountOfAsync(id, ct);
        AccountState = account is null ? null : AccountLifecycle.State(account);
        TwoFactorOn = account?.TwoFactorEnabled ?? false;
        IsSelf = actor.PersonId == id;
        CurrentRoles = account is null ? [] : await editor.RolesOfAsync(account);
        var chart = await charts.ForAsync(db, ct);
        Managers = await PersonQueries.InOrderAsync(db, chart.Managers(id).Take(50).ToList(), ct);
        DirectReports = chart.ReportCount(id, directOnly: true);
        AllReports = chart.ReportCount(id, directOnly: false);
        if (fillInput)
        {
            var managerEmployeeId = Person.ManagerId is { } managerId
                ? await db.People.Where(p => p.Id == managerId).Select(p => p.EmployeeId).SingleOrDefaultAsync(ct)
                : null;
            Input = new DetailsInput
            {
                Name = Person.Name,
                WorkEmail = Person.WorkEmail,
                EmployeeId = Person.EmployeeId,
                Department = Person.Department,
                Team = Person.Team,
                ManagerEmployeeId = managerEmployeeId,
                Location = Person.Location,
                PreferredLanguage = Person.PreferredLanguage,
                StartDate = Person.StartDate?.ToString(PeopleCsv.DateFormat, CultureInfo.InvariantCulture),
                LeaveDate = Person.LeaveDate?.ToString(PeopleCsv.DateFormat, CultureInfo.InvariantCulture),
            };
            SelectedRoles = [.. CurrentRoles];
        }
        return true;
    }

    private DateOnly? ParseDate(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (DateOnly.TryParseExact(value.Trim(), PeopleCsv.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        AddError(field, "is not a date in the form yyyy-MM-dd (for example 2024-03-31).");
        return null;
    }

    /// <summary>Shows the message by its field and marks the post as not accepted, so it answers 400 (<see cref="InvalidFormStatus"/>).</summary>
    private void AddError(string field, string message)
    {
        if (!Errors.TryGetValue(field, out var list))
        {
            Errors[field] = list = [];
        }
        list.Add(message);
        ModelState.AddModelError(field, message);
    }
}
