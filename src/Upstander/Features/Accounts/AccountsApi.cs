using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Accounts;

public sealed record MeView(Guid AccountId, Guid? PersonId, Guid OrganisationId, string? Name, IReadOnlyList<string> Roles);

/// <summary>Whom to invite and with which roles; <c>email</c> false keeps the link out of the mail even when a mail server is configured.</summary>
public sealed record CreateInvitationRequest(Guid PersonId, IReadOnlyList<string>? Roles, bool? Email = null);

public sealed record InvitationView(Guid Id, Guid PersonId, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string Status);

/// <summary>The link is in this answer only: it is not stored and cannot be fetched again.</summary>
/// <summary>The new invitation; <c>emailed</c> says whether the link is on its way to the person's work address.</summary>
public sealed record InvitationCreatedView(Guid Id, Guid PersonId, IReadOnlyList<string> Roles, DateTimeOffset ExpiresAt, string Link, bool Emailed);

public sealed record IssueTokenRequest(Guid AccountId, string? Name, int LifetimeDays);

public sealed record TokenView(Guid Id, Guid AccountId, string Name, string Prefix, DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt);

/// <summary>The secret is in this answer only: Upstander keeps its hash.</summary>
public sealed record TokenIssuedView(Guid Id, Guid AccountId, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string Secret);

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

        api.MapInvitationsApi();
        api.MapTokensApi();
    }

    private static void MapInvitationsApi(this IEndpointRouteBuilder api)
    {
        var invitations = api.MapGroup("/invitations").RequireAuthorization(p => p.RequireRole(Roles.Admin)).WithTags("Invitations");

        invitations.MapGet("/", async (AppDbContext db, TimeProvider clock, CancellationToken ct) =>
            {
                var now = clock.GetUtcNow();
                var rows = await db.Invitations.OrderByDescending(i => i.CreatedAt).ThenBy(i => i.Id).Take(1000).ToListAsync(ct);
                return TypedResults.Ok(rows.Select(i => new InvitationView(i.Id, i.PersonId, i.RoleList, i.CreatedAt, i.ExpiresAt, i.StatusAt(now).ToString())).ToList());
            })
            .WithName("ListInvitations")
            .WithSummary("The organisation's invitations, newest first (at most 1000), with their status.");

        invitations.MapPost("/", async Task<Results<Created<InvitationCreatedView>, NotFound, ProblemHttpResult, ValidationProblem>> (
                CreateInvitationRequest body, HttpRequest request, InvitationIssuer issuer, IStringLocalizer<SharedResource> t, CancellationToken ct) =>
            {
                var (issued, refusal) = await issuer.CreateAsync(body.PersonId, body.Roles ?? [], $"{request.Scheme}://{request.Host}", body.Email ?? true, ct);
                return refusal switch
                {
                    InvitationRefusal.None => TypedResults.Created($"/api/v1/invitations/{issued!.Invitation.Id}",
                        new InvitationCreatedView(issued.Invitation.Id, issued.Invitation.PersonId, issued.Invitation.RoleList, issued.Invitation.ExpiresAt, issued.Link, issued.Emailed)),
                    InvitationRefusal.NotRecent => RecentSignIn.Refused(t, IndexModel.Path),
                    InvitationRefusal.PersonNotFound => TypedResults.NotFound(),
                    InvitationRefusal.UnknownRole => TypedResults.ValidationProblem(new Dictionary<string, string[]>
                    {
                        ["roles"] = [$"Roles must be among: {string.Join(", ", Roles.All)}."],
                    }),
                    InvitationRefusal.AlreadyHasAccount => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                        title: "Person already has an account", detail: "Change their roles instead of inviting them."),
                    InvitationRefusal.EmailHasAccount => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                        title: "Work email already has an account",
                        detail: "Another account already uses this person's work email (accounts are unique across every organisation here). Check the address in the directory."),
                    InvitationRefusal.AlreadyInvited => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                        title: "Invitation already pending", detail: "Revoke the pending invitation first if its link was lost."),
                    _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                        title: "Person has left", detail: "The directory says this person has left the organisation."),
                };
            })
            .RequireRateLimiting(RateLimitPolicies.Invitations)
            .WithName("CreateInvitation")
            .WithSummary("Invite a person in the directory. The answer holds the one-time link; with a mail server configured it is also emailed to their work address unless email is false. "
                + RecentSignIn.ApiSummary);

        invitations.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, InvitationIssuer issuer, CancellationToken ct) =>
                await issuer.RevokeAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("RevokeInvitation")
            .WithSummary("Withdraw an invitation: its link stops working. Used invitations stay as they are.");
    }

    private static void MapTokensApi(this IEndpointRouteBuilder api)
    {
        var tokens = api.MapGroup("/tokens").RequireAuthorization(p => p.RequireRole(Roles.Admin)).WithTags("Access tokens");

        tokens.MapGet("/", async (AppDbContext db, CancellationToken ct) =>
                TypedResults.Ok(await db.PersonalAccessTokens.OrderByDescending(x => x.CreatedAt).ThenBy(x => x.Id).Take(1000)
                    .Select(x => new TokenView(x.Id, x.AccountId, x.Name, x.DisplayPrefix, x.CreatedAt, x.LastUsedAt, x.ExpiresAt, x.RevokedAt))
                    .ToListAsync(ct)))
            .WithName("ListTokens")
            .WithSummary("The organisation's personal access tokens, newest first (at most 1000). Secrets are never shown again.");

        tokens.MapPost("/", async Task<Results<Created<TokenIssuedView>, NotFound, ProblemHttpResult, ValidationProblem>> (
                IssueTokenRequest body, TokenIssuer issuer, IStringLocalizer<SharedResource> t, CancellationToken ct) =>
            {
                if (!issuer.CanIssue)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Tokens cannot issue tokens",
                        detail: "Issue tokens from a signed-in browser session, so a leaked token cannot mint more.");
                }
                if (!await issuer.SignedInRecentlyAsync())
                {
                    return RecentSignIn.Refused(t, TokensModel.Path);
                }
                var name = body.Name?.Trim() ?? "";
                var errors = new Dictionary<string, string[]>();
                if (name.Length is 0 or > PersonalAccessToken.NameMaxLength)
                {
                    errors["name"] = [$"Give the token a name of 1 to {PersonalAccessToken.NameMaxLength} characters."];
                }
                if (body.LifetimeDays is < TokenIssuer.MinLifetimeDays or > TokenIssuer.MaxLifetimeDays)
                {
                    errors["lifetimeDays"] = [$"A token lasts between {TokenIssuer.MinLifetimeDays} and {TokenIssuer.MaxLifetimeDays} days."];
                }
                if (errors.Count > 0)
                {
                    return TypedResults.ValidationProblem(errors);
                }
                if (await issuer.IssueAsync(body.AccountId, name, body.LifetimeDays, ct) is not { } issued)
                {
                    return TypedResults.NotFound();
                }
                var token = issued.Token;
                return TypedResults.Created($"/api/v1/tokens/{token.Id}",
                    new TokenIssuedView(token.Id, token.AccountId, token.Name, token.DisplayPrefix, token.CreatedAt, token.ExpiresAt, issued.Secret));
            })
            .WithName("IssueToken")
            .WithSummary($"Issue a token acting as an account in the organisation. Only from a browser session signed in (or confirmed) in the last {RecentSignIn.Window.TotalMinutes} minutes, never with a token.");

        tokens.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, TokenIssuer issuer, CancellationToken ct) =>
                await issuer.RevokeAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("RevokeToken")
            .WithSummary("Revoke a token: programs using it are refused from the next call.");
    }
}
