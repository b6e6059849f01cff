using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.Accounts;
using Upstander.Features.Organisations;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.People;

/// <summary>What an import did. When <see cref="Applied"/> is false nothing changed, and <see cref="Check"/> says why.</summary>
public sealed record ImportOutcome(ImportCheck Check, ImportMode Mode, bool Applied, int Created, int Updated, int Skipped);

/// <summary>Who an import acts for, captured when it was asked for: a background job has no signed-in request to ask.</summary>
public sealed record ImportActor(string Kind, Guid? AccountId)
{
    public static ImportActor Of(CurrentActor actor) => new(actor.Kind, actor.Id);
}

/// <summary>
/// Checks an import file against the directory and writes it. Shared by the pages (through the background
/// job), the API and the CLI verb, so all three check and write the same way. Scoped.
/// </summary>
public sealed class PeopleImporter(
    AppDbContext db, UserManager<Account> users, AuditLog audit, OrgChartCache charts, AccountLifecycle lifecycle, OrganisationTime time, TimeProvider clock,
    AccountSecurityNotices notices)
{
    public const int BatchSize = 1000;

    /// <summary>Checks every row and records that a file was checked (counts only, never content).</summary>
    public async Task<ImportCheck> ValidateAsync(PeopleFile file, ImportActor actor, CancellationToken ct)
    {
        var snapshot = await SnapshotAsync(ct);
        var check = ImportValidator.Check(file, snapshot, await ImportingPersonAsync(actor, ct), await AccountEmailsAsync(file, snapshot, ct));
        audit.Record(AuditActions.ImportValidated, "people", (string?)null, check.IsValid ? "success" : "failure",
            $"rows={check.Rows} rows-with-errors={check.RowsWithErrors} valid-only-rows={check.ValidRows}");
        await db.SaveChangesAsync(ct);
        return check;
    }

    /// <summary>
    /// Checks the file again against the directory as it is now (it may have changed since it was first
    /// checked) and, if the mode allows, writes it in one transaction: a failure part-way changes nothing.
    /// </summary>
    public async Task<ImportOutcome> ImportAsync(PeopleFile file, ImportMode mode, ImportActor actor, Action<int, int>? progress, CancellationToken ct)
    {
        var organisationId = db.CurrentOrganisationId ?? throw new InvalidOperationException("An import needs an organisation scope.");
        var stamp = await DirectoryStamp.ReadAsync(db, ct);
        var snapshot = await SnapshotAsync(ct);
        var importer = await ImportingPersonAsync(actor, ct);
        var check = ImportValidator.Check(file, snapshot, importer, await AccountEmailsAsync(file, snapshot, ct));
        if (mode == ImportMode.Validate || check.RowsToImport(mode).Count == 0)
        {
            return Refused(check, mode);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The check above ran outside the transaction so that other writers are not held up by it; if the
        // directory changed meanwhile, check again now that nobody else can change it.
        if (await DirectoryStamp.ReadAsync(db, ct) != stamp)
        {
            snapshot = await SnapshotAsync(ct);
            check = ImportValidator.Check(file, snapshot, importer, await AccountEmailsAsync(file, snapshot, ct));
            if (check.RowsToImport(mode).Count == 0)
            {
                return Refused(check, mode);
            }
        }
        var rows = check.RowsToImport(mode);
        var (created, updated, skipped) = check.Counts(mode);
        var now = clock.GetUtcNow();

        // Departments first, matched by name regardless of case so "finance" joins "Finance".
        var departments = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        foreach (var department in await db.Departments.AsNoTracking().Select(d => new { d.Name, d.Id }).ToListAsync(ct))
        {
            departments.TryAdd(department.Name, department.Id);
        }
        if (file.Has(PeopleCsv.Department))
        {
            foreach (var name in rows.Select(r => r.Details.Department?.Trim()).Where(n => !string.IsNullOrEmpty(n)).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!departments.ContainsKey(name!))
                {
                    var department = new Department(organisationId, name!);
                    db.Departments.Add(department);
                    departments[name!] = department.Id;
                }
            }
        }

        // The audit event is written first, in the same transaction: an import is never applied unrecorded,
        // and the audit chain's lock is taken and released before the long run of writes.
        db.AuditEvents.Add(new AuditEvent(now, organisationId, actor.Kind, actor.AccountId, AuditActions.ImportApplied, "people", null, "success",
            $"mode={(mode == ImportMode.All ? "all" : "valid-only")} rows={check.Rows} created={created} updated={updated} skipped={skipped}"));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        var idByEmployeeId = snapshot.ToDictionary(p => p.EmployeeId, p => p.Id, StringComparer.Ordinal);
        var hasManager = file.Has(PeopleCsv.ManagerEmployeeId);
        var hasDepartment = file.Has(PeopleCsv.Department);
        var done = 0;
        progress?.Invoke(0, rows.Count);
        foreach (var batch in rows.Chunk(BatchSize))
        {
            var keys = batch.Select(r => ImportCheck.Key(r.Details.EmployeeId)).Where(idByEmployeeId.ContainsKey).ToList();
            var existing = keys.Count == 0
                ? []
                : await db.People.Where(p => keys.Contains(p.EmployeeId)).ToDictionaryAsync(p => p.EmployeeId, StringComparer.Ordinal, ct);
            var added = new List<Person>();
            var newEmails = new Dictionary<Guid, Person>();
            foreach (var row in batch)
            {
                var key = ImportCheck.Key(row.Details.EmployeeId);
                existing.TryGetValue(key, out var person);
                var details = Merge(file, row.Details, person);
                if (person is null)
                {
                    person = new Person(organisationId, details, now);
                    idByEmployeeId[key] = person.Id;
                    added.Add(person);
                }
                else
                {
                    var before = person.WorkEmail;
                    person.Apply(details, now);
                    if (!string.Equals(before, person.WorkEmail, StringComparison.Ordinal))
                    {
                        newEmails[person.Id] = person;
                    }
                }
                if (hasDepartment)
                {
                    var name = row.Details.Department?.Trim();
                    person.PlaceIn(string.IsNullOrEmpty(name) ? null : departments[name]);
                }
                if (hasManager)
                {
                    var manager = ImportCheck.Key(row.Details.ManagerEmployeeId);
                    // Rows come managers first, so a manager new in this file already has an id.
                    person.ReportTo(manager.Length == 0 ? null : idByEmployeeId[manager]);
                }
            }
            db.People.AddRange(added);
            if (newEmails.Count > 0)
            {
                // The accounts of people with a new work email move with them, in the same save (checked above: nobody else's).
                var changed = newEmails.Keys.ToList();
                foreach (var account in await db.Users.Where(a => a.PersonId != null && changed.Contains(a.PersonId.Value)).ToListAsync(ct))
                {
                    await notices.FollowAsync(account, newEmails[account.PersonId!.Value], users, ct);
                }
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            done += batch.Length;
            progress?.Invoke(done, rows.Count);
        }

        if (file.Has(PeopleCsv.LeaveDate))
        {
            // Leave dates that have come stop those accounts in the same transaction, not at the next hourly pass.
            await lifecycle.DeactivateLeaversAsync(ct);
        }
        await transaction.CommitAsync(ct);
        charts.Invalidate(organisationId);
        // Stopped accounts, and a chart whose lines may have moved, can leave a case or a conversation with someone who
        // may no longer hold it.
        await lifecycle.SweepAsync(ct);
        return new ImportOutcome(check, mode, true, created, updated, skipped);
    }

    /// <summary>The person behind the account an import acts for; null for the command line, which acts as the system.</summary>
    private async Task<ImportingPerson?> ImportingPersonAsync(ImportActor actor, CancellationToken ct)
    {
        if (actor.AccountId is not { } accountId)
        {
            return null;
        }
        var employeeId = await db.Users.Where(a => a.Id == accountId)
            .Join(db.People, a => a.PersonId, p => p.Id, (_, p) => p.EmployeeId).SingleOrDefaultAsync(ct);
        return employeeId is null ? null : new ImportingPerson(employeeId, time.Today);
    }

    /// <summary>The accounts, in any organisation, that hold an address the file gives someone new to it.</summary>
    private Task<AccountEmails> AccountEmailsAsync(PeopleFile file, IReadOnlyCollection<ExistingPerson> snapshot, CancellationToken ct) =>
        AccountEmails.ForAsync(db, users, ImportValidator.AddressesToCheck(file, snapshot), ct);

    public Task<List<ExistingPerson>> SnapshotAsync(CancellationToken ct) =>
        db.People.AsNoTracking().Select(p => new ExistingPerson(p.Id, p.EmployeeId, p.NormalizedEmail, p.ManagerId)).ToListAsync(ct);

    /// <summary>A column the file leaves out keeps the person's current value; an empty cell clears it.</summary>
    private static PersonDetails Merge(PeopleFile file, PersonDetails row, Person? current) =>
        current is null
            ? row
            : row with
            {
                Team = file.Has(PeopleCsv.Team) ? row.Team : current.Team,
                Location = file.Has(PeopleCsv.Location) ? row.Location : current.Location,
                PreferredLanguage = file.Has(PeopleCsv.PreferredLanguage) ? row.PreferredLanguage : current.PreferredLanguage,
                StartDate = file.Has(PeopleCsv.StartDate) ? row.StartDate : current.StartDate,
                LeaveDate = file.Has(PeopleCsv.LeaveDate) ? row.LeaveDate : current.LeaveDate,
            };

    private static ImportOutcome Refused(ImportCheck check, ImportMode mode) =>
        new(check, mode, false, 0, 0, mode == ImportMode.Validate ? 0 : check.Rows);
}
