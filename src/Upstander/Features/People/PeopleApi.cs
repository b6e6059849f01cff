using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.People;

public sealed record PersonView(
    Guid Id, string EmployeeId, string Name, string WorkEmail, string? Department, string? Team, Guid? ManagerId,
    string? Location, string? PreferredLanguage, DateOnly? StartDate, DateOnly? LeaveDate);

public sealed record PersonPage(IReadOnlyList<PersonView> Items, int Page, int PageSize, int Total);

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
                var items = await PersonQueries.ToViews(db, query.OrderBy(p => p.Name).ThenBy(p => p.Id).Skip((number - 1) * size).Take(size)).ToListAsync(ct);
                return TypedResults.Ok(new PersonPage(items, number, size, total));
            })
            .WithName("ListPeople")
            .WithSummary("Search the directory by name, email or employee id.");

        people.MapGet("/{id:guid}", async Task<Results<Ok<PersonView>, NotFound>> (Guid id, AppDbContext db, CancellationToken ct) =>
                await PersonQueries.ToViews(db, db.People.Where(p => p.Id == id)).SingleOrDefaultAsync(ct) is { } view
                    ? TypedResults.Ok(view)
                    : TypedResults.NotFound())
            .WithName("GetPerson");
    }
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

    public static IQueryable<PersonView> ToViews(AppDbContext db, IQueryable<Person> people) =>
        from p in people
        join d in db.Departments on p.DepartmentId equals d.Id into departments
        from d in departments.DefaultIfEmpty()
        select new PersonView(p.Id, p.EmployeeId, p.Name, p.WorkEmail, d == null ? null : d.Name, p.Team, p.ManagerId,
            p.Location, p.PreferredLanguage, p.StartDate, p.LeaveDate);
}
