using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.Accounts;
using Upstander.Features.Organisations;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;

namespace Upstander.Features.People;

/// <summary>The result of an edit: the person, or what was wrong (nothing was changed then).</summary>
public sealed record PersonEditResult(bool Found, IReadOnlyList<FieldError> Errors, bool NeedsRecentSignIn = false)
{
    public bool Succeeded => Found && Errors.Count == 0 && !NeedsRecentSignIn;

    /// <summary>Nothing changed: the edit would move an account's sign-in address, and the session did not sign in recently (<see cref="RecentSignIn"/>).</summary>
    public static PersonEditResult NotRecent { get; } = new(true, [], NeedsRecentSignIn: true);
}

/// <summary>
/// Edits one person's details, roles and confidential note. Shared by the admin page and the API so
/// both apply the same rules (<see cref="PersonRules"/>, unique email and employee id, a manager who
/// exists and is not one of the person's own reports) and the same audit. A new work email moves the
/// person's account with it (<see cref="AccountEmails"/>). Scoped.
/// </summary>
public sealed class PersonEditor(
    AppDbContext db, OrganisationSetup setup, UserManager<Account> accounts, AuditLog audit, OrgChartCache charts,
    FieldProtector protector, CurrentActor actor, AccountLifecycle lifecycle, OrganisationTime time, TimeProvider clock,
    RecentSignIn recent, AccountSecurityNotices notices)
{
    public const int ConfidentialNoteMaxLength = 4000;

    public static readonly PersonEditResult NotFound = new(false, []);

    /// <summary>Why an admin may not record, for themselves, a leave date that has come (the edit page, the API and an import say the same).</summary>
    public const string OwnLeaveDateMessage = "has come, and this is you: it would end your own access now. Ask another administrator to record your leave.";

    public async Task<PersonEditResult> UpdateAsync(Guid id, PersonDetails details, CancellationToken ct)
    {
        var person = await db.People.SingleOrDefaultAsync(p => p.Id == id, ct);
        if (person is null)
        {
            return NotFound;
        }
        var errors = PersonRules.Validate(details);
        var employeeId = details.EmployeeId?.Trim() ?? "";
        var email = Person.NormalizeEmail(details.WorkEmail ?? "");
        if (!errors.Any(e => e.Field == PeopleCsv.EmployeeId)
            && await db.People.AnyAsync(p => p.Id != id && p.EmployeeId == employeeId, ct))
        {
            errors.Add(new FieldError(PeopleCsv.EmployeeId, "is already someone else's employee id."));
        }
        if (!errors.Any(e => e.Field == PeopleCsv.WorkEmail)
            && await db.People.AnyAsync(p => p.Id != id && p.NormalizedEmail == email, ct))
        {
            errors.Add(new FieldError(PeopleCsv.WorkEmail, "is already someone else's work email."));
        }
        // The account's user name and email follow the work email; accounts are unique across the installation.
        var account = await AccountOfAsync(id, ct);
        if (!errors.Any(e => e.Field == PeopleCsv.WorkEmail)
            && (email != person.NormalizedEmail || (account is not null && !string.Equals(account.Email, (details.WorkEmail ?? "").Trim(), StringComparison.Ordinal)))
            && (await AccountEmails.ForAsync(db, accounts, [details.WorkEmail], ct)).HeldByAnother(details.WorkEmail, id))
        {
            errors.Add(new FieldError(PeopleCsv.WorkEmail, AccountEmails.InUseMessage));
        }

        Guid? managerId = null;
        var managerKey = details.ManagerEmployeeId?.Trim();
        if (!string.IsNullOrEmpty(managerKey) && !errors.Any(e => e.Field == PeopleCsv.ManagerEmployeeId))
        {
            managerId = await db.People.Where(p => p.EmployeeId == managerKey).Select(p => (Guid?)p.Id).SingleOrDefaultAsync(ct);
            if (managerId is null)
            {
                errors.Add(new FieldError(PeopleCsv.ManagerEmployeeId, "is not the employee id of anyone in the directory."));
            }
            else if (managerId == id)
            {
                errors.Add(new FieldError(PeopleCsv.ManagerEmployeeId, "is the person's own employee id."));
            }
            else if ((await charts.ForAsync(db, ct)).Manages(id, managerId.Value))
            {
                errors.Add(new FieldError(PeopleCsv.ManagerEmployeeId, "reports to this person already, so this would make a management cycle."));
            }
        }
        if (id == actor.PersonId && details.LeaveDate is { } leaving && leaving <= time.Today && !errors.Any(e => e.Field == PeopleCsv.LeaveDate))
        {
            // The same rule as deactivating: nobody ends their own access, so an organisation is never left without an admin by accident.
            errors.Add(new FieldError(PeopleCsv.LeaveDate, OwnLeaveDateMessage));
        }
        if (errors.Count > 0)
        {
            return new PersonEditResult(true, errors);
        }
        // A new sign-in address hands the account to whoever reads it (a password link goes there): as an administrator's
        // other acts that give a way into an account, it needs a recent sign-in, and the address it leaves is told.
        var leaves = account is not null && accounts.NormalizeEmail((details.WorkEmail ?? "").Trim()) != account.NormalizedEmail ? account.Email : null;
        if (leaves is not null && !await recent.AllowsAsync())
        {
            return PersonEditResult.NotRecent;
        }

        var changed = Changes(person, details, managerId);
        var departmentName = details.Department?.Trim();
        Guid? departmentId = string.IsNullOrEmpty(departmentName) ? null : await setup.DepartmentIdAsync(person.OrganisationId, departmentName, ct);
        if (departmentId != person.DepartmentId)
        {
            changed.Add("department");
        }
        person.Apply(details, clock.GetUtcNow());
        person.PlaceIn(departmentId);
        person.ReportTo(managerId);
        if (account is not null)
        {
            await notices.FollowAsync(account, person, accounts, ct);
        }
        // Which fields changed, never their values.
        audit.Record(AuditActions.PersonUpdated, "person", id, detail: changed.Count == 0 ? "fields=none" : "fields=" + string.Join('+', changed));
        var left = person.HasLeft(time.Today);
        if (left)
        {
            // A leave date that has come stops the account in the same save as the edit, not at the next hourly pass.
            await lifecycle.StopLeaverAsync(id, ct);
        }
        await db.SaveChangesAsync(ct);
        charts.Invalidate(person.OrganisationId);
        if (left || changed.Contains("manager"))
        {
            // A stopped account, or a new line in the chart, can leave a case with someone who may no longer hold it.
            await lifecycle.SweepAsync(ct);
        }
        return new PersonEditResult(true, []);
    }

    /// <summary>The person's account, if they have one.</summary>
    public Task<Account?> AccountOfAsync(Guid personId, CancellationToken ct) => AccountLifecycle.AccountOfAsync(db, personId, ct);

    /// <summary>
    /// Replaces the roles of the person's account (Employee is always kept). Audited by <see cref="OrganisationSetup.SetRolesAsync"/>.
    /// Roles widen a way into the organisation's records, so first of all it needs a recent sign-in (<see cref="PersonEditResult.NotRecent"/>).
    /// </summary>
    public async Task<PersonEditResult> SetRolesAsync(Guid personId, IReadOnlyCollection<string> roles, CancellationToken ct)
    {
        if (!await recent.AllowsAsync())
        {
            return PersonEditResult.NotRecent;
        }
        if (!await db.People.AnyAsync(p => p.Id == personId, ct))
        {
            return NotFound;
        }
        var unknown = roles.Where(r => !Roles.IsKnown(r)).ToList();
        if (unknown.Count > 0)
        {
            return new PersonEditResult(true, [new FieldError("roles", $"has unknown role(s): {string.Join(", ", unknown.Take(5))}. The roles are {string.Join(", ", Roles.All)}.")]);
        }
        var account = await AccountOfAsync(personId, ct);
        if (account is null)
        {
            return new PersonEditResult(true, [new FieldError("roles", "cannot be set: this person has no account yet. Invite them first.")]);
        }
        if (personId == actor.PersonId && !roles.Contains(Roles.Admin, StringComparer.Ordinal))
        {
            // Someone must always be able to administer the organisation; another admin can do this.
            return new PersonEditResult(true, [new FieldError("roles", "cannot remove your own Admin role. Ask another administrator.")]);
        }
        await setup.SetRolesAsync(account, roles, ct);
        // Cases held by someone who is no longer a case manager go back to routing.
        await lifecycle.SweepAsync(ct);
        return new PersonEditResult(true, []);
    }

    public async Task<IReadOnlyList<string>> RolesOfAsync(Account account) =>
        (await accounts.GetRolesAsync(account)).Where(Roles.IsKnown).OrderBy(r => Roles.All.ToList().IndexOf(r)).ToList();

    /// <summary>Seals and stores (or, for blank text, removes) the confidential note.</summary>
    public async Task<PersonEditResult> WriteConfidentialNoteAsync(Guid personId, string? text, CancellationToken ct)
    {
        var person = await db.People.SingleOrDefaultAsync(p => p.Id == personId, ct);
        if (person is null)
        {
            return NotFound;
        }
        if (text is { Length: > ConfidentialNoteMaxLength })
        {
            return new PersonEditResult(true, [new FieldError("confidential_note", $"is longer than {ConfidentialNoteMaxLength} characters.")]);
        }
        var sealedNote = string.IsNullOrWhiteSpace(text) ? null : protector.Seal(text.Trim(), Person.ConfidentialNotePurpose, person.Id);
        person.SealConfidentialNote(sealedNote, clock.GetUtcNow());
        audit.Record(AuditActions.ProtectedWrite, "person", person.Id, detail: sealedNote is null ? "confidential-note=removed" : "confidential-note=written");
        await db.SaveChangesAsync(ct);
        return new PersonEditResult(true, []);
    }

    /// <summary>Opens the confidential note, recording the read first: the read is what is audited, whatever happens next.</summary>
    public async Task<(bool Found, string? Note)> ReadConfidentialNoteAsync(Guid personId, CancellationToken ct)
    {
        var sealedNote = await db.People.Where(p => p.Id == personId).Select(p => new { p.ConfidentialNoteSealed }).SingleOrDefaultAsync(ct);
        if (sealedNote is null)
        {
            return (false, null);
        }
        await audit.RecordReadAsync("person", personId, ct);
        return (true, sealedNote.ConfidentialNoteSealed is null
            ? null
            : protector.Open(sealedNote.ConfidentialNoteSealed, Person.ConfidentialNotePurpose, personId));
    }

    private static List<string> Changes(Person person, PersonDetails details, Guid? managerId)
    {
        var changed = new List<string>();
        void Check(string field, string? before, string? after)
        {
            if (!string.Equals(Blank(before), Blank(after), StringComparison.Ordinal))
            {
                changed.Add(field);
            }
        }
        Check("name", person.Name, details.Name);
        Check("work_email", person.WorkEmail, details.WorkEmail);
        Check("employee_id", person.EmployeeId, details.EmployeeId);
        Check("team", person.Team, details.Team);
        Check("location", person.Location, details.Location);
        Check("preferred_language", person.PreferredLanguage, details.PreferredLanguage);
        if (person.StartDate != details.StartDate)
        {
            changed.Add("start_date");
        }
        if (person.LeaveDate != details.LeaveDate)
        {
            changed.Add("leave_date");
        }
        if (person.ManagerId != managerId)
        {
            changed.Add("manager");
        }
        return changed;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
