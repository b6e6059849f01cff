using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Web;
using SignInResult = Microsoft.AspNetCore.Identity.SignInResult;

namespace Upstander.Features.Accounts;

public sealed record AddPasskeyRequest(string? Name, JsonElement Credential);

public sealed record PasskeySignInRequest(JsonElement Credential, string? ReturnUrl);

public sealed record InvitationPasskeyOptionsRequest(string? Token);

public sealed record InvitationPasskeyRequest(string? Token, JsonElement Credential);

public sealed record PasskeyAdded(string Id, string Name);

public sealed record PasskeyNext(string Redirect);

/// <summary>
/// The WebAuthn ceremonies, as JSON for wwwroot/js/passkeys.js. Identity does the cryptography and
/// keeps the challenge in its short-lived two-factor cookie between the two halves of each ceremony.
/// Every call needs the page's antiforgery token in the RequestVerificationToken header. The
/// anonymous ones (sign-in, accepting an invitation) and confirming it is you are rate limited like
/// password sign-in. Adding a passkey needs a recent sign-in (<see cref="RecentSignIn"/>).
/// </summary>
public static class PasskeyEndpoints
{
    public const string SignInAmr = "pkey";

    public static void MapPasskeyEndpoints(this IEndpointRouteBuilder app)
    {
        var passkeys = app.MapGroup("/account/passkeys")
            .AddEndpointFilter<RequireAntiforgeryHeader>()
            .ExcludeFromDescription();

        // Adding a passkey gives whoever holds it a way in that outlasts the session and a password reset, so both halves
        // of the ceremony need a recent sign-in (RecentSignIn): a session left open, or a copied cookie, is not enough.
        passkeys.MapPost("/creation-options", async Task<Results<ContentHttpResult, ProblemHttpResult, ForbidHttpResult>> (
                HttpContext http, UserManager<Account> users, SignInManager<Account> signIn, CurrentActor actor, RecentSignIn recent,
                IStringLocalizer<SharedResource> t) =>
            {
                if (actor.Kind != "account" || await users.GetUserAsync(http.User) is not { } account)
                {
                    return TypedResults.Forbid();
                }
                if (!await recent.IsRecentAsync())
                {
                    return RecentSignIn.Refused(t, IndexModel.Path);
                }
                var json = await signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity
                {
                    Id = await users.GetUserIdAsync(account),
                    Name = account.Email ?? account.UserName ?? "",
                    DisplayName = account.Email ?? account.UserName ?? "",
                });
                return TypedResults.Content(json, "application/json");
            })
            .RequireAuthorization();

        passkeys.MapPost("/", async Task<Results<Created<PasskeyAdded>, ProblemHttpResult, ForbidHttpResult>> (
                AddPasskeyRequest body, HttpContext http, UserManager<Account> users, SignInManager<Account> signIn,
                CurrentActor actor, RecentSignIn recent, AuditLog audit, AccountSecurityNotices notices, AppDbContext db, OrganisationTime time,
                IStringLocalizer<SharedResource> t, CancellationToken ct) =>
            {
                if (actor.Kind != "account" || await users.GetUserAsync(http.User) is not { } account)
                {
                    return TypedResults.Forbid();
                }
                // Asked again here: the options may have been fetched just inside the window, or by a script, not the page.
                if (!await recent.IsRecentAsync())
                {
                    return RecentSignIn.Refused(t, IndexModel.Path);
                }
                var attestation = await AttestAsync(signIn, body.Credential);
                if (attestation is null || attestation.UserEntity!.Id != await users.GetUserIdAsync(account))
                {
                    return NotVerified();
                }
                var passkey = attestation.Passkey!;
                passkey.Name = PasskeyNames.Clean(body.Name) ?? PasskeyNames.Default(time.Today);
                await using (var transaction = await db.Database.BeginTransactionAsync(ct))
                {
                    var saved = await users.AddOrUpdatePasskeyAsync(account, passkey);
                    if (!saved.Succeeded)
                    {
                        return NotVerified();
                    }
                    // A new way in, as a new password is: the account's other sessions end at their next request
                    // (AccountChangeNotices), so one someone else holds does not outlive it. Saved with the audit event.
                    audit.Record(AuditActions.PasskeyAdded, "account", account.Id);
                    await notices.QueueAsync(account, SignInChange.PasskeyAdded, ct);
                    var stamped = await users.UpdateSecurityStampAsync(account);
                    if (!stamped.Succeeded)
                    {
                        throw new InvalidOperationException("The account's security stamp could not be changed: " + string.Join("; ", stamped.Errors.Select(e => e.Code)));
                    }
                    await transaction.CommitAsync(ct);
                }
                await signIn.RefreshSignInAsync(account);
                return TypedResults.Created(IndexModel.Path, new PasskeyAdded(PasskeyNames.Id(passkey.CredentialId), passkey.Name));
            })
            .RequireAuthorization();

        // Confirming it is you with a passkey (ConfirmIdentityModel), in a session already signed in: the ceremony offers
        // this account's passkeys only, and an assertion by any other account's passkey is refused.
        passkeys.MapPost("/confirm-options", async Task<Results<ContentHttpResult, ForbidHttpResult>> (
                HttpContext http, UserManager<Account> users, SignInManager<Account> signIn, CurrentActor actor) =>
                actor.Kind == "account" && await users.GetUserAsync(http.User) is { } account
                    ? TypedResults.Content(await signIn.MakePasskeyRequestOptionsAsync(account), "application/json")
                    : TypedResults.Forbid())
            .RequireAuthorization()
            .RequireRateLimiting(RateLimitPolicies.SignIn);

        passkeys.MapPost("/confirm", async Task<Results<Ok<PasskeyNext>, ProblemHttpResult, ForbidHttpResult>> (
                PasskeySignInRequest body, HttpContext http, UserManager<Account> users, AccountSignInManager signIn,
                CurrentActor actor, AuditLog audit, IStringLocalizer<SharedResource> t, CancellationToken ct) =>
            {
                if (actor.Kind != "account" || await users.GetUserAsync(http.User) is not { } account)
                {
                    return TypedResults.Forbid();
                }
                if (await AssertAsync(signIn, body.Credential) is not { Succeeded: true } assertion || assertion.User.Id != account.Id)
                {
                    await AccountLockout.RecordRefusalAsync(audit, account, SignInResult.Failed, ct);
                    return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Passkey not accepted",
                        detail: "That passkey is not one of this account's, or it could not be verified.");
                }
                if (await RefusedAsync(users, signIn, account, t) is { } refused)
                {
                    await AccountLockout.RecordRefusalAsync(audit, account, refused.Locked ? SignInResult.LockedOut : SignInResult.NotAllowed, ct);
                    return refused.Problem;
                }
                await users.AddOrUpdatePasskeyAsync(account, assertion.Passkey);
                await signIn.ConfirmedAsync(account);
                audit.Record(AuditActions.SignInConfirmed, "account", account.Id, detail: "passkey");
                await audit.SaveAsync(ct);
                return TypedResults.Ok(new PasskeyNext(SignInModel.SafeReturnUrl(body.ReturnUrl)));
            })
            .RequireAuthorization()
            .RequireRateLimiting(RateLimitPolicies.SignIn);

        passkeys.MapPost("/request-options", async (SignInManager<Account> signIn) =>
                TypedResults.Content(await signIn.MakePasskeyRequestOptionsAsync(null), "application/json"))
            .AllowAnonymous()
            .RequireRateLimiting(RateLimitPolicies.SignIn);

        passkeys.MapPost("/sign-in", async Task<Results<Ok<PasskeyNext>, ProblemHttpResult>> (
                PasskeySignInRequest body, UserManager<Account> users, SignInManager<Account> signIn, AuditLog audit,
                IStringLocalizer<SharedResource> t, CancellationToken ct) =>
            {
                if (await AssertAsync(signIn, body.Credential) is not { } assertion)
                {
                    return NotVerified();
                }
                if (!assertion.Succeeded)
                {
                    audit.RecordFor(null, null, AuditActions.SignInFailed, "account", null, "failure");
                    await audit.SaveAsync(ct);
                    return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Passkey not accepted",
                        detail: "That passkey is not registered here, or it could not be verified.");
                }
                var account = assertion.User;
                if (await RefusedAsync(users, signIn, account, t) is { } refused)
                {
                    audit.RecordFor(account.OrganisationId, account.Id, refused.Locked ? AuditActions.LockedOut : AuditActions.SignInFailed,
                        "account", account.Id.ToString("N"), refused.Locked ? "denied" : "deactivated");
                    await audit.SaveAsync(ct);
                    return refused.Problem;
                }
                // The assertion moved the passkey's signature counter on; keep it, so a cloned authenticator shows up.
                await users.AddOrUpdatePasskeyAsync(account, assertion.Passkey);
                await signIn.SignInWithClaimsAsync(account, isPersistent: false, [new Claim("amr", SignInAmr)]);
                audit.RecordFor(account.OrganisationId, account.Id, AuditActions.SignIn, "account", account.Id.ToString("N"), "success");
                await audit.SaveAsync(ct);
                return TypedResults.Ok(new PasskeyNext(SignInModel.SafeReturnUrl(body.ReturnUrl)));
            })
            .AllowAnonymous()
            .RequireRateLimiting(RateLimitPolicies.SignIn);

        var invitation = app.MapGroup("/account/invitation/passkey")
            .AddEndpointFilter<RequireAntiforgeryHeader>()
            .ExcludeFromDescription()
            .AllowAnonymous()
            .RequireRateLimiting(RateLimitPolicies.SignIn);

        invitation.MapPost("/creation-options", async Task<Results<ContentHttpResult, ProblemHttpResult>> (
                InvitationPasskeyOptionsRequest body, HttpContext http, InvitationAcceptance acceptance, SignInManager<Account> signIn,
                IStringLocalizer<SharedResource> t, CancellationToken ct) =>
            {
                if (http.User.Identity?.IsAuthenticated == true)
                {
                    return SignedInAlready(t);
                }
                var (usable, problem) = await acceptance.FindAsync(body.Token, ct);
                if (usable is null)
                {
                    return Unusable(problem, t);
                }
                // The account does not exist yet; its id is chosen now because the authenticator stores it as the user handle.
                var json = await signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity
                {
                    Id = Guid.CreateVersion7().ToString(),
                    Name = usable.Person.WorkEmail,
                    DisplayName = usable.Person.Name,
                });
                return TypedResults.Content(json, "application/json");
            });

        invitation.MapPost("/", async Task<Results<Ok<PasskeyNext>, ProblemHttpResult>> (
                InvitationPasskeyRequest body, HttpContext http, InvitationAcceptance acceptance, SignInManager<Account> signIn,
                OrganisationZones zones, IStringLocalizer<SharedResource> t, CancellationToken ct) =>
            {
                if (http.User.Identity?.IsAuthenticated == true)
                {
                    return SignedInAlready(t);
                }
                var (usable, problem) = await acceptance.FindAsync(body.Token, ct);
                if (usable is null)
                {
                    return Unusable(problem, t);
                }
                var attestation = await AttestAsync(signIn, body.Credential);
                // The ceremony must be the one started for this invitation's person.
                if (attestation is null
                    || !string.Equals(attestation.UserEntity!.Name, usable.Person.WorkEmail, StringComparison.Ordinal)
                    || !Guid.TryParse(attestation.UserEntity.Id, out var accountId))
                {
                    return NotVerified();
                }
                attestation.Passkey!.Name = PasskeyNames.Default(zones.Today(usable.Person.OrganisationId));
                try
                {
                    if (await acceptance.AcceptWithPasskeyAsync(usable, accountId, attestation.Passkey, ct) is not InvitationProblem.None and var gone)
                    {
                        return Unusable(gone, t);
                    }
                }
                catch (ArgumentException)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Account not created",
                        detail: t["Your account could not be created. Ask your administrator to check your details in the directory."]);
                }
                return TypedResults.Ok(new PasskeyNext(usable.RequiresTwoFactor ? TwoFactorRequirement.RequiredSetupPath : "/"));
            });
    }

    /// <summary>
    /// Whether an account a passkey has just proved may sign in or confirm now: null when it may; else, since the passkey
    /// proved whose account this is, the answer telling why, as sign-in does (403, which the page shows: locked, or no
    /// longer active, which AccountSignInManager refuses), and whether it is the lockout. The callers audit.
    /// </summary>
    private static async Task<(ProblemHttpResult Problem, bool Locked)?> RefusedAsync(
        UserManager<Account> users, SignInManager<Account> signIn, Account account, IStringLocalizer<SharedResource> t)
    {
        if (!await users.IsLockedOutAsync(account) && await signIn.CanSignInAsync(account))
        {
            return null;
        }
        var locked = account.IsActive;
        return (TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: locked ? "Account locked" : "Account not active",
            detail: locked ? SignInModel.LockedOut(t) : SignInModel.Deactivated(t)), locked);
    }

    private static async Task<PasskeyAttestationResult?> AttestAsync(SignInManager<Account> signIn, JsonElement credential)
    {
        if (credential.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        try
        {
            var result = await signIn.PerformPasskeyAttestationAsync(credential.GetRawText());
            return result.Succeeded ? result : null;
        }
        catch (InvalidOperationException)
        {
            // No ceremony under way in this browser (the options call was skipped or already used).
            return null;
        }
    }

    /// <summary>The assertion's result, or null when there is nothing to verify (no credential, or no ceremony under way).</summary>
    private static async Task<PasskeyAssertionResult<Account>?> AssertAsync(SignInManager<Account> signIn, JsonElement credential)
    {
        if (credential.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        try
        {
            return await signIn.PerformPasskeyAssertionAsync(credential.GetRawText());
        }
        catch (InvalidOperationException)
        {
            // No ceremony under way in this browser (the options call was skipped or already used).
            return null;
        }
    }

    private static ProblemHttpResult NotVerified() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Passkey not verified",
            detail: "The passkey could not be verified. Start again from the button on the page.");

    private static ProblemHttpResult SignedInAlready(IStringLocalizer<SharedResource> t) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already signed in",
            detail: t["This invitation is for setting up a new account. Sign out first, then open the invitation link again."]);

    /// <summary>
    /// Why the invitation cannot make an account, in the words its page uses (<see cref="InvitationAcceptance.ProblemMessage"/>):
    /// 404 for a link nobody made, 409 when another account has the address (the link is not used up), 410 when it was used,
    /// expired or withdrawn. The page shows the detail by the button (passkeys.js), so it is localized.
    /// </summary>
    private static ProblemHttpResult Unusable(InvitationProblem problem, IStringLocalizer<SharedResource> t)
    {
        var (status, title) = problem switch
        {
            InvitationProblem.NotFound => (StatusCodes.Status404NotFound, "Invitation not found"),
            InvitationProblem.EmailHasAccount => (StatusCodes.Status409Conflict, "Account not created"),
            _ => (StatusCodes.Status410Gone, "Invitation cannot be used"),
        };
        return TypedResults.Problem(statusCode: status, title: title,
            detail: t["This invitation link cannot be used. {0}", InvitationAcceptance.ProblemMessage(problem, t)]);
    }
}

/// <summary>Names and ids for passkeys as people see them in their account.</summary>
public static class PasskeyNames
{
    public const int MaxLength = 60;

    /// <summary>The name a passkey gets when its owner gives none: the day it was added, on the organisation's calendar.</summary>
    public static string Default(DateOnly added) =>
        "Passkey added " + added.ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);

    public static string? Clean(string? name)
    {
        var trimmed = name?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed.Length > MaxLength ? trimmed[..MaxLength] : trimmed;
    }

    /// <summary>The credential id as base64url, the form WebAuthn uses in JSON.</summary>
    public static string Id(byte[] credentialId) => Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(credentialId);

    public static byte[]? ParseId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 1400)
        {
            return null;
        }
        try
        {
            return Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(id);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>JSON calls made from a page must carry that page's antiforgery token in a header.</summary>
internal sealed class RequireAntiforgeryHeader(IAntiforgery antiforgery) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!await antiforgery.IsRequestValidAsync(context.HttpContext))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Missing or invalid antiforgery token",
                detail: "Send the page's RequestVerificationToken header with this request.");
        }
        return await next(context);
    }
}
