using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.Accounts;

public sealed record MeView(Guid AccountId, Guid? PersonId, Guid OrganisationId, string? Name, IReadOnlyList<string> Roles);

public static class AccountsApi
{
    public static void MapAccountsApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/me", async Task<Results<Ok<MeView>, UnauthorizedHttpResult>> (AppDbContext db, CurrentActor actor, CancellationToken ct) =>
            {
                if (actor.Id is not { } accountId || actor.OrganisationId is not { } organisationId)
                {
                    return TypedResults.Unauthorized();
                }
                var name = actor.PersonId is { } personId
                    ? await db.People.Where(p => p.Id == personId).Select(p => p.Name).FirstOrDefaultAsync(ct)
                    : null;
                return TypedResults.Ok(new MeView(accountId, actor.PersonId, organisationId, name, actor.Roles));
            })
            .RequireAuthorization()
            .WithName("GetMe")
            .WithSummary("The signed-in account or token holder, with their roles.");
    }
}
