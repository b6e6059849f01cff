using System.Text.Json;
using Microsoft.Playwright;

namespace Upstander.BrowserTests.Site;

/// <summary>
/// A passkey device for a browser tab: Chromium's WebAuthn virtual authenticator, added through the DevTools
/// protocol. It behaves as a phone or laptop with a screen lock does: it keeps discoverable credentials
/// (passkeys), verifies the person (as a fingerprint or PIN would) and confirms presence by itself, so
/// <c>navigator.credentials.create</c> and <c>get</c> complete with no prompt. It stays with the tab across
/// navigations, so a passkey made on one page signs in on another.
/// </summary>
public sealed class VirtualAuthenticator
{
    private readonly ICDPSession _devTools;
    private readonly string _id;

    private VirtualAuthenticator(ICDPSession devTools, string id)
    {
        _devTools = devTools;
        _id = id;
    }

    /// <summary>
    /// Gives the page's tab a platform authenticator that keeps passkeys and verifies the person (as a
    /// fingerprint or PIN would). With <paramref name="verifiesUser"/> false it is instead a plain USB security
    /// key with no PIN that keeps nothing: touching it shows that someone is present, but not who. (Chromium
    /// makes a credential on such a key when the site only prefers user verification, never when it requires it.)
    /// </summary>
    public static async Task<VirtualAuthenticator> AttachAsync(IPage page, bool verifiesUser = true)
    {
        var devTools = await page.Context.NewCDPSessionAsync(page);
        await devTools.SendAsync("WebAuthn.enable", new() { ["enableUI"] = false });
        var added = await devTools.SendAsync("WebAuthn.addVirtualAuthenticator", new()
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = verifiesUser ? "internal" : "usb",
                ["hasResidentKey"] = verifiesUser,
                ["hasUserVerification"] = verifiesUser,
                ["isUserVerified"] = verifiesUser,
                ["automaticPresenceSimulation"] = true,
            },
        });
        var id = added?.GetProperty("authenticatorId").GetString();
        id.ShouldNotBeNullOrEmpty("Chromium added no virtual authenticator.");
        return new VirtualAuthenticator(devTools, id);
    }

    /// <summary>The credentials the authenticator holds now.</summary>
    public async Task<IReadOnlyList<StoredCredential>> CredentialsAsync()
    {
        var answer = await _devTools.SendAsync("WebAuthn.getCredentials", new() { ["authenticatorId"] = _id });
        return [.. answer!.Value.GetProperty("credentials").EnumerateArray().Select(StoredCredential.From)];
    }
}

/// <summary>One credential as the authenticator stores it: for which site, whether discoverable, and how often it has signed.</summary>
public sealed record StoredCredential(string RpId, bool IsResident, int SignCount)
{
    internal static StoredCredential From(JsonElement credential) => new(
        credential.GetProperty("rpId").GetString() ?? "",
        credential.GetProperty("isResidentCredential").GetBoolean(),
        credential.GetProperty("signCount").GetInt32());
}
