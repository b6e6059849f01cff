using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Accounts;

/// <summary>
/// Whether the person in this browser proved who they are a short while ago: signed in (password, two-factor, passkey,
/// an accepted invitation) or confirmed it on <see cref="ConfirmIdentityModel"/> within <see cref="Window"/>. Changes that
/// would let someone keep or widen their access after the session is gone (adding a passkey, setting a first password,
/// weakening two-factor, issuing access tokens) ask for it, so a few minutes at someone's unlocked computer, or a copied
/// cookie, is not a way in for good. So do an administrator's acts that hand someone a way into an account or widen
/// one: inviting, making a password link for someone, turning their two-factor off, changing roles and reactivating
/// an account, and moving an account's sign-in address. Those are refused by the services that make them
/// (<see cref="InvitationIssuer"/>, <see cref="AccountRecovery"/>, <see cref="AccountLifecycle.ReactivateAsync"/>,
/// <see cref="People.PersonEditor"/>) through <see cref="AllowsAsync"/>, so every page, API route or later caller gets the
/// rule; each caller only turns the refusal into <see cref="ConfirmFirst"/> or <see cref="Refused"/>. Scoped.
/// </summary>
/// <remarks>
/// The time lives in the session cookie's own properties, written by <see cref="AccountSignInManager"/> at each sign-in
/// and carried over unchanged whenever the cookie is issued again without one: the sliding renewal, the five-minute
/// security stamp check and <see cref="SignInManager{TUser}.RefreshSignInAsync"/> each give the cookie a new issue time,
/// which is why the issue time cannot say this. A session without the time (a token, or a cookie issued before this
/// existed) is never recent.
/// </remarks>
public sealed class RecentSignIn(IHttpContextAccessor http, TimeProvider clock, CurrentActor actor)
{
    /// <summary>How long after proving who they are a person may make such changes without proving it again.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private const string Item = ".upstander.signed-in";

    /// <summary>Records <paramref name="at"/> as the moment the person proved who they are, in the cookie about to be issued.</summary>
    public static void Record(AuthenticationProperties properties, DateTimeOffset at) =>
        properties.Items[Item] = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether this request's session cookie was signed in, or confirmed, within <see cref="Window"/>.</summary>
    public async Task<bool> IsRecentAsync()
    {
        if (http.HttpContext is not { } context)
        {
            return false;
        }
        // The cookie handler keeps its result for the request: this reads what authentication already read.
        var session = await context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        return session.Succeeded
            && session.Properties.Items.TryGetValue(Item, out var value)
            && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds) <= Window;
    }

    /// <summary>
    /// Whether whoever acts may make a change that needs a recent sign-in: a browser session only when
    /// <see cref="IsRecentAsync"/>; a program's token (issuing it needed a recent sign-in, and a program cannot confirm)
    /// and Upstander itself (CLI verbs, jobs) always; nobody signed in, never.
    /// </summary>
    public async Task<bool> AllowsAsync() => actor.Kind is "token" or CurrentActor.SystemKind || await IsRecentAsync();

    /// <summary>What the OpenAPI summary of each JSON call that needs a recent sign-in adds.</summary>
    public static readonly string ApiSummary =
        $"From a browser session, only within {Window.TotalMinutes} minutes of signing in or confirming (403 with confirmUrl otherwise); a token is not asked.";

    /// <summary>The confirmation page, coming back to <paramref name="returnUrl"/> (a local path) afterwards.</summary>
    public static string ConfirmUrl(string returnUrl) => ConfirmIdentityModel.Path + "?returnUrl=" + Uri.EscapeDataString(returnUrl);

    /// <summary>A form post that needs a recent sign-in goes to the confirmation page first; nothing has changed.</summary>
    public static RedirectResult ConfirmFirst(string returnUrl) => new(ConfirmUrl(returnUrl));

    /// <summary>
    /// The answer to a JSON call that needs a recent sign-in: 403, since the session is valid but not fresh enough for this,
    /// and sending the same request again cannot succeed until the person has confirmed (400 would blame the request).
    /// </summary>
    public static ProblemHttpResult Refused(IStringLocalizer<SharedResource> t, string returnUrl) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Confirm it is you",
            detail: t["For your safety, this needs a sign-in from the last {0} minutes. Choose \"Confirm it's you\" on your account page, enter your password (or use a passkey), then try again.", (int)Window.TotalMinutes],
            extensions: new Dictionary<string, object?> { ["confirmUrl"] = ConfirmUrl(returnUrl) });
}
