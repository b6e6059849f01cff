using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.Extensions.Localization;

namespace Upstander.Features.Accounts;

/// <summary>
/// The status line passkeys.js fills in, with its messages, for a page that makes a passkey or one that signs in with
/// one. Built in code rather than a partial view: the sign-in page is the busiest page there is.
/// </summary>
public static class PasskeyStatus
{
    public static IHtmlContent Render(IStringLocalizer t, bool makesPasskey)
    {
        var line = new TagBuilder("p");
        line.AddCssClass("notice error");
        line.Attributes["data-passkey-status"] = "";
        // A closed prompt and a device that cannot check who is holding it (a security key without a PIN) look the same
        // to the page, so the message names both rather than telling someone they closed a prompt they never saw.
        line.Attributes["data-cancelled"] = makesPasskey
            ? t["No passkey was made: the prompt was closed, or this device cannot check that it is you (it needs a PIN, fingerprint or face). You can try again, or use another way."]
            : t["The passkey prompt was closed, or this device could not check that it is you. You can try again, or use another way to sign in."];
        line.Attributes["data-exists"] = t["This device already has a passkey for your account. You can use it to sign in."];
        line.Attributes["data-refused"] = t["The passkey was not accepted. Try again, or use another way to sign in."];
        line.Attributes["data-failed"] = t["This browser could not use a passkey just now. Try again, or use another way."];
        line.Attributes["role"] = "status";
        line.Attributes["hidden"] = "hidden";
        return line;
    }
}
