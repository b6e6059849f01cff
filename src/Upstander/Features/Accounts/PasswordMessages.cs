using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Web;

namespace Upstander.Features.Accounts;

/// <summary>Identity's password refusals, said plainly and localized.</summary>
public static class PasswordMessages
{
    public static string Describe(IdentityError error, IStringLocalizer<SharedResource> t) => error.Code switch
    {
        nameof(IdentityErrorDescriber.PasswordTooShort) =>
            t["This password is too short. Use at least 12 characters: a few unrelated words make a strong password you can remember."],
        nameof(IdentityErrorDescriber.PasswordRequiresUniqueChars) =>
            t["This password repeats the same few characters. Use a password with more variety."],
        nameof(IdentityErrorDescriber.PasswordMismatch) => CurrentPasswordWrong(t),
        _ => t["This password cannot be used: {0}", error.Description],
    };

    public static string CurrentPasswordWrong(IStringLocalizer<SharedResource> t) =>
        t["Your current password is not right. Check it and try again."];

    /// <summary>Every rule of Identity's password validators that <paramref name="password"/> breaks for <paramref name="account"/>, checked before anything is saved.</summary>
    public static async Task<IReadOnlyList<IdentityError>> RuleBreachesAsync(UserManager<Account> users, Account account, string password)
    {
        var errors = new List<IdentityError>();
        foreach (var validator in users.PasswordValidators)
        {
            errors.AddRange((await validator.ValidateAsync(users, account, password)).Errors);
        }
        return errors;
    }

    /// <summary>
    /// Everything wrong with a password chosen on a form, as the person reads it: the form's own checks
    /// (<see cref="FirstProblem"/>) and, when those pass, every Identity rule <paramref name="rules"/> finds broken.
    /// Empty when the password can be used.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(
        string password, string? confirm, Func<string, Task<IReadOnlyList<IdentityError>>> rules, IStringLocalizer<SharedResource> t) =>
        FirstProblem(password, confirm, t) is { } problem ? [problem] : [.. (await rules(password)).Select(e => Describe(e, t))];

    /// <summary>
    /// The status of a one-time link's page (an invitation, a password link) that cannot be used: 409 in a browser already
    /// signed in (ask them to sign out first), 404 for a link nobody made, 410 for one that was used, ended or expired.
    /// </summary>
    public static int RefusedLinkStatus(bool signedInAlready, bool unknown) =>
        signedInAlready ? StatusCodes.Status409Conflict : unknown ? StatusCodes.Status404NotFound : StatusCodes.Status410Gone;

    /// <summary>The longest password any form takes.</summary>
    public const int MaxLength = 200;

    /// <summary>
    /// What every "choose a password" form checks before Identity's own rules: that one was typed, is not over-long, and
    /// was typed the same twice. Null when it passes.
    /// </summary>
    private static string? FirstProblem(string password, string? confirm, IStringLocalizer<SharedResource> t) =>
        password.Length == 0 ? t["Choose a password."].Value
        : password.Length > MaxLength ? t["Use at most {0} characters.", MaxLength].Value
        : !string.Equals(password, confirm, StringComparison.Ordinal) ? t["The two passwords are not the same. Type the same password in both fields."].Value
        : null;
}

/// <summary>What <c>_ChoosePassword.cshtml</c> shows: the link's token, the account's name for password managers, the problems with the last try, the button's words.</summary>
public sealed record ChoosePasswordForm(string? Token, string UserName, IReadOnlyList<string> Errors, string Button);
