using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.Accounts;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Organisations;

/// <summary>
/// Creates organisations and their first administrator: shared by the first-run page, the CLI verbs
/// and the demo seeder so all three produce the same thing.
/// </summary>
public sealed class OrganisationSetup(
    AppDbContext db, OrganisationScope scope, UserManager<Account> accounts, AuditLog audit, TimeProvider clock)
{
    /// <summary>Creates an organisation; <paramref name="timeZone"/> is an IANA name (UTC when not given), refused when unknown.</summary>
    public async Task<Organisation> CreateOrganisationAsync(string name, bool isDemo, CancellationToken ct, string? timeZone = null)
    {
        var organisation = new Organisation(Guid.CreateVersion7(), name, clock.GetUtcNow(), isDemo);
        if (timeZone is not null)
        {
            organisation.SetTimeZone(timeZone);
        }
        db.Organisations.Add(organisation);
        scope.Enter(organisation.Id);
        audit.Record(AuditActions.OrganisationCreated, "organisation", organisation.Id);
        await db.SaveChangesAsync(ct);
        return organisation;
    }

    /// <summary>Adds a person to the directory with an account holding the given roles and the given password.</summary>
    public async Task<(Person Person, Account Account)> CreatePersonWithAccountAsync(
        Guid organisationId, PersonDetails details, IEnumerable<string> roles, string? password, CancellationToken ct)
    {
        var person = await CreatePersonAsync(organisationId, details, ct);
        var account = await CreateAccountAsync(person, password, ct);
        await SetRolesAsync(account, roles, ct);
        return (person, account);
    }

    /// <summary>
    /// Adds a person to the directory without an account, for an invitation to create it: accepting an
    /// invitation is refused for anyone who already has an account.
    /// </summary>
    public async Task<Person> CreatePersonAsync(Guid organisationId, PersonDetails details, CancellationToken ct)
    {
        scope.Enter(organisationId);
        var errors = PersonRules.Validate(details);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors.Select(e => $"{e.Field} {e.Message}")));
        }
        var normalized = Person.NormalizeEmail(details.WorkEmail);
        if (await db.People.AnyAsync(p => p.NormalizedEmail == normalized || p.EmployeeId == details.EmployeeId.Trim(), ct)
            || await accounts.FindByEmailAsync(details.WorkEmail.Trim()) is not null)
        {
            throw new ArgumentException("Someone with this email address or employee id already exists.");
        }
        var person = new Person(organisationId, details, clock.GetUtcNow());
        if (!string.IsNullOrWhiteSpace(details.Department))
        {
            person.PlaceIn(await DepartmentIdAsync(organisationId, details.Department, ct));
        }
        db.People.Add(person);
        audit.Record(AuditActions.PersonCreated, "person", person.Id);
        await db.SaveChangesAsync(ct);
        return person;
    }

    public Task<Account> CreateAccountAsync(Person person, string? password, CancellationToken ct) =>
        CreateAccountAsync(person, password, Guid.CreateVersion7(), ct);

    /// <summary>
    /// Creates the person's account with a chosen id: a passkey registered before the account exists
    /// already carries its account id (the WebAuthn user handle).
    /// </summary>
    public async Task<Account> CreateAccountAsync(Person person, string? password, Guid accountId, CancellationToken ct)
    {
        var account = new Account
        {
            Id = accountId,
            OrganisationId = person.OrganisationId,
            PersonId = person.Id,
            UserName = person.WorkEmail,
            Email = person.WorkEmail,
            EmailConfirmed = true,
            CreatedAt = clock.GetUtcNow(),
        };
        var result = password is null ? await accounts.CreateAsync(account) : await accounts.CreateAsync(account, password);
        if (!result.Succeeded)
        {
            throw new ArgumentException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
        return account;
    }

    /// <summary>
    /// Replaces the account's roles; Employee is always kept. Audited as one role change, committed with it: Identity saves
    /// each of adding and removing on its own, so all of it runs in the caller's transaction, or in one of its own.
    /// </summary>
    public async Task SetRolesAsync(Account account, IEnumerable<string> roles, CancellationToken ct)
    {
        var wanted = roles.Append(Roles.Employee).Where(Roles.IsKnown).ToHashSet(StringComparer.Ordinal);
        var current = (await accounts.GetRolesAsync(account)).ToHashSet(StringComparer.Ordinal);
        var add = wanted.Except(current).ToList();
        var remove = current.Except(wanted).ToList();
        if (add.Count == 0 && remove.Count == 0)
        {
            return;
        }
        await using var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        if (add.Count > 0)
        {
            Check(await accounts.AddToRolesAsync(account, add));
        }
        if (remove.Count > 0)
        {
            Check(await accounts.RemoveFromRolesAsync(account, remove));
        }
        // Role names are not content; the change itself is what the audit must show.
        audit.Record(AuditActions.RolesChanged, "account", account.Id, detail: "roles=" + string.Join('+', wanted.Order(StringComparer.Ordinal)));
        await db.SaveChangesAsync(ct);
        if (own is not null)
        {
            await own.CommitAsync(ct);
        }
    }

    public async Task<Guid> DepartmentIdAsync(Guid organisationId, string name, CancellationToken ct)
    {
        var trimmed = name.Trim();
        var existing = await db.Departments.Where(d => d.Name == trimmed).Select(d => (Guid?)d.Id).FirstOrDefaultAsync(ct);
        if (existing is { } id)
        {
            return id;
        }
        var department = new Department(organisationId, trimmed);
        db.Departments.Add(department);
        await db.SaveChangesAsync(ct);
        return department.Id;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
