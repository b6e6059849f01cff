using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.Accounts;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.People;

public sealed record PersonView(
    Guid Id, string EmployeeId, string Name, string WorkEmail, string? Department, string? Team, Guid? ManagerId,
    string? Location, string? PreferredLanguage, DateOnly? StartDate, DateOnly? LeaveDate);

public sealed record PersonPage(IReadOnlyList<PersonView> Items, int Page, int PageSize, int Total);

/// <summary>A person's editable details; the manager is named by employee id, as in the import file.</summary>
public sealed record PersonEditRequest(
    string? Name, string? WorkEmail, string? EmployeeId, string? Department, string? Team, string? ManagerEmployeeId,
    string? Location, string? PreferredLanguage, DateOnly? StartDate, DateOnly? LeaveDate)
{
    public PersonDetails ToDetails() =>
        new(Name ?? "", WorkEmail ?? "", EmployeeId ?? "", Department, Team, ManagerEmployeeId, Location, PreferredLanguage, StartDate, LeaveDate);
}

public sealed record RolesRequest(IReadOnlyList<string>? Roles);

public sealed record RolesView(Guid PersonId, IReadOnlyList<string> Roles);

/// <summary>Whether the person's account works; <c>deactivatedBecause</c> is "left" or "administrator".</summary>
public sealed record AccountStateView(Guid PersonId, Guid AccountId, bool Active, DateTimeOffset? DeactivatedAt, string? DeactivatedBecause);

public static class PeopleApi
{
    public const int MaxPageSize = 200;

    public static void MapPeopleApi(this IEndpointRouteBuilder api)
    {
        var people = api.MapGroup("/people").RequireAuthorization(p => p.RequireRole(Roles.Admin)).WithTags("People");

        people.MapGet("/", async Task<Results<Ok<PersonPage>, ValidationProblem>> (
                AppDbContext db, string? search, int? page, int? pageSize, CancellationToken ct) =>
            {
                var size = pageSize ?? 50;
                var number = page ?? 1;
                if (size is < 1 or > MaxPageSize || number < 1 || search is { Length: > 200 })
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                    {
                        ["query"] = [$"page must be at least 1, pageSize between 1 and {MaxPageSize}, and search at most 200 characters."],
                    });
                }
                var query = PersonQueries.Search(db.People, search);
                var total = await query.CountAsync(ct);
                var items = await PersonQueries.ToViews(db, query.OrderBy(p => p.Name).ThenBy(p => p.Id).Skip(Paging.Offset(number, size)).Take(size)).ToListAsync(ct);
                return TypedResults.Ok(new PersonPage(items, number, size, total));
            })
            .WithName("ListPeople")
            .WithSummary("Search the directory by name, email or employee id.");

        people.MapGet("/{id:guid}", async Task<Results<Ok<PersonView>, NotFound>> (Guid id, AppDbContext db, CancellationToken ct) =>
                await PersonQueries.ViewById.For(db)(db, id, ct) is { } view
                    ? TypedResults.Ok(view)
                    : TypedResults.NotFound())
            .WithName("GetPerson");

        people.MapPut("/{id:guid}", async Task<Results<Ok<PersonView>, ValidationProblem, NotFound, ProblemHttpResult>> (
                Guid id, PersonEditRequest request, PersonEditor editor, AppDbContext db, IStringLocalizer<SharedResource> t, CancellationToken ct) =>
            {
                var result = await editor.UpdateAsync(id, request.ToDetails(), ct);
                if (!result.Found)
                {
                    return TypedResults.NotFound();
                }
                if (result.NeedsRecentSignIn)
                {
                    return RecentSignIn.Refused(t, IndexModel.Path);
                }
                if (!result.Succeeded)
                {
                    return TypedResults.ValidationProblem(Problems(result.Errors));
                }
                return TypedResults.Ok(await PersonQueries.ToViews(db, db.People.Where(p => p.Id == id)).SingleAsync(ct));
            })
            .WithName("UpdatePerson")
            .WithSummary("Edit a person's details. The manager is given by employee id and must not be one of the person's own reports. "
                + "A new work email moves the person's account to it, and is refused like the other acts that hand out a way in. " + RecentSignIn.ApiSummary);

        people.MapPut("/{id:guid}/roles", async Task<Results<Ok<RolesView>, ValidationProblem, NotFound, ProblemHttpResult>> (
                Guid id, RolesRequest request, PersonEditor editor, IStringLocalizer<SharedResource> t, CancellationToken ct) =>
            {
                var result = await editor.SetRolesAsync(id, request.Roles ?? [], ct);
                if (!result.Found)
                {
                    return TypedResults.NotFound();
                }
                if (result.NeedsRecentSignIn)
                {
                    return RecentSignIn.Refused(t, IndexModel.Path);
                }
                if (!result.Succeeded)
                {
                    return TypedResults.ValidationProblem(Problems(result.Errors));
                }
                var account = await editor.AccountOfAsync(id, ct);
                return TypedResults.Ok(new RolesView(id, await editor.RolesOfAsync(account!)));
            })
            .WithName("SetPersonRoles")
            .WithSummary("Replace the roles of the person's account (Employee is always kept). "
                + RecentSignIn.ApiSummary);

        people.MapGet("/{id:guid}/account", async Task<Results<Ok<AccountStateView>, NotFound>> (
                Guid id, AccountLifecycle lifecycle, CancellationToken ct) =>
                await lifecycle.StateAsync(id, ct) is { } state ? TypedResults.Ok(View(id, state)) : TypedResults.NotFound())
            .WithName("GetPersonAccount")
            .WithSummary("Whether the person's account is active. 404 when the person has no account.");

        people.MapPost("/{id:guid}/account/deactivate", (Guid id, AccountLifecycle lifecycle, IStringLocalizer<SharedResource> t, CancellationToken ct) =>
                ChangeAccountAsync(id, lifecycle, lifecycle.DeactivateAsync, t, ct))
            .WithName("DeactivatePersonAccount")
            .WithSummary("Stop the person's account: it cannot sign in, its sessions end within five minutes and its access tokens stop working. "
                + "Their open cases and support requests are handed on. Repeating it changes nothing. Refused (409) for your own account.");

        people.MapPost("/{id:guid}/account/reactivate", (Guid id, AccountLifecycle lifecycle, IStringLocalizer<SharedResource> t, CancellationToken ct) =>
                ChangeAccountAsync(id, lifecycle, lifecycle.ReactivateAsync, t, ct))
            .WithName("ReactivatePersonAccount")
            .WithSummary("Let a deactivated account sign in again (with new sessions and tokens). Refused (409) while the person's leave date has passed. "
                + RecentSignIn.ApiSummary);

        people.MapGet("/{id:guid}/managers", async Task<Results<Ok<IReadOnlyList<PersonView>>, NotFound>> (
                Guid id, AppDbContext db, OrgChartCache charts, CancellationToken ct) =>
            {
                var chart = await charts.ForAsync(db, ct);
                if (!chart.Contains(id))
                {
                    return TypedResults.NotFound();
                }
                return TypedResults.Ok(await PersonQueries.InOrderAsync(db, chart.Managers(id), ct));
            })
            .WithName("GetPersonManagers")
            .WithSummary("The person's managers, nearest first, up to the top of the organisation.");

        people.MapGet("/{id:guid}/reports", async Task<Results<Ok<PersonPage>, ValidationProblem, NotFound>> (
                Guid id, bool? direct, int? page, int? pageSize, AppDbContext db, OrgChartCache charts, CancellationToken ct) =>
            {
                var size = pageSize ?? 50;
                var number = page ?? 1;
                if (size is < 1 or > MaxPageSize || number < 1)
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                    {
                        ["query"] = [$"page must be at least 1 and pageSize between 1 and {MaxPageSize}."],
                    });
                }
                var chart = await charts.ForAsync(db, ct);
                if (!chart.Contains(id))
                {
                    return TypedResults.NotFound();
                }
                var directOnly = direct ?? false;
                var ids = chart.Reports(id, directOnly, Paging.Offset(number, size), size);
                return TypedResults.Ok(new PersonPage(await PersonQueries.InOrderAsync(db, ids, ct), number, size, chart.ReportCount(id, directOnly)));
            })
            .WithName("GetPersonReports")
            .WithSummary("Everyone who reports to the person: directly (direct=true) or at any depth, in chart order (each manager before their reports).");

        people.MapPeopleImportApi();
    }

    private static async Task<Results<Ok<AccountStateView>, NotFound, ProblemHttpResult>> ChangeAccountAsync(
        Guid id, AccountLifecycle lifecycle, Func<Guid, CancellationToken, Task<AccountChangeRefusal>> change, IStringLocalizer<SharedResource> t, CancellationToken ct) =>
        await change(id, ct) switch
        {
            AccountChangeRefusal.None => TypedResults.Ok(View(id, (await lifecycle.StateAsync(id, ct))!)),
            AccountChangeRefusal.NotRecent => RecentSignIn.Refused(t, IndexModel.Path),
            AccountChangeRefusal.OwnAccount => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "Your own account", detail: "Administrators cannot deactivate their own account. Ask another administrator."),
            AccountChangeRefusal.PersonHasLeft => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "The person has left", detail: "Their leave date has passed. Clear or move the leave date first."),
            _ => TypedResults.NotFound(),
        };

    private static AccountStateView View(Guid personId, AccountState state) =>
        new(personId, state.AccountId, state.Active, state.DeactivatedAt, state.DeactivatedBecause);

    internal static Dictionary<string, string[]> Problems(IEnumerable<FieldError> errors) =>
        errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => $"{PeopleCsv.Readable(g.Key)} {e.Message}").ToArray());
}

public static class PersonQueries
{
    public static IQueryable<Person> Search(IQueryable<Person> people, string? search)
    {
        if (string.IsNullOrWhiteSpace(search))
        {
            return people;
        }
        var pattern = "%" + search.Trim().ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        return people.Where(p => EF.Functions.Like(p.SearchText, pattern, "\\"));
    }

    /// <summary>Views of the given people, in the order given (people not found are left out).</summary>
    public static async Task<IReadOnlyList<PersonView>> InOrderAsync(AppDbContext db, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        var views = await ToViews(db, db.People.Where(p => ids.Contains(p.Id))).ToDictionaryAsync(v => v.Id, ct);
        return ids.Where(views.ContainsKey).Select(id => views[id]).ToList();
    }

    /// <summary>
    /// One person's view by id (within the context's organisation), compiled once: the API's busiest read
    /// otherwise spends a large share of its time turning the same expression tree into a cache key.
    /// The projection is <see cref="ToViews"/> written out, because a compiled query cannot call it.
    /// </summary>
    public static readonly ModelBoundQuery<Func<AppDbContext, Guid, CancellationToken, Task<PersonView?>>> ViewById = new(() =>
        EF.CompileAsyncQuery((AppDbContext db, Guid id, CancellationToken ct) =>
            (from p in db.People
             where p.Id == id
             join d in db.Departments on p.DepartmentId equals d.Id into departments
             from d in departments.DefaultIfEmpty()
             select new PersonView(p.Id, p.EmployeeId, p.Name, p.WorkEmail, d == null ? null : d.Name, p.Team, p.ManagerId,
                 p.Location, p.PreferredLanguage, p.StartDate, p.LeaveDate))
            .SingleOrDefault()));

    public static IQueryable<PersonView> ToViews(AppDbContext db, IQueryable<Person> people) =>
        from p in people
        join d in db.Departments on p.DepartmentId equals d.Id into departments
        from d in departments.DefaultIfEmpty()
        select new PersonView(p.Id, p.EmployeeId, p.Name, p.WorkEmail, d == null ? null : d.Name, p.Team, p.ManagerId,
            p.Location, p.PreferredLanguage, p.StartDate, p.LeaveDate);
}
