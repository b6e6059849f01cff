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
        nameof(IdentityErrorDescriber.PasswordMismatch) =>
            t["Your current password is not right. Check it and try again."],
        _ => t["This password cannot be used: {0}", error.Description],
    };

    /// <summary>The longest password any form takes.</summary>
    public const int MaxLength = 200;

    /// <summary>
    /// What every "choose a password" form checks before Identity's own rules: that one was typed, is not over-long, and
    /// was typed the same twice. Null when it passes.
    /// </summary>
    public static string? FirstProblem(string password, string? confirm, IStringLocalizer<SharedResource> t) =>
        password.Length == 0 ? t["Choose a password."].Value
        : password.Length > MaxLength ? t["Use at most {0} characters.", MaxLength].Value
        : !string.Equals(password, confirm, StringComparison.Ordinal) ? t["The two passwords are not the same. Type the same password in both fields."].Value
        : null;
}
