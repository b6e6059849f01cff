using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Site;

public static class Invitations
{
    /// <summary>On an invitation page: types the new password twice and creates the account.</summary>
    public static async Task ChoosePasswordAsync(this IPage page, string password, string? confirmation = null)
    {
        await page.GetByLabel("New password").FillAsync(password);
        await page.GetByLabel("Type it again").FillAsync(confirmation ?? password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create my account", Exact = true }).ClickAsync();
    }

    /// <summary>Opens an invitation link in a browser with nobody signed in and checks it greets the invited person.</summary>
    public static async Task OpenInvitationAsync(this IPage page, string link, string firstName)
    {
        var response = await page.GotoAsync(link);
        response!.Status.ShouldBe(200);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Welcome, {firstName}", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
    }

    /// <summary>
    /// As a signed-in administrator: finds the person in the directory, invites them with the given roles,
    /// and returns the one-time link the page shows (the administrator passes it on themselves).
    /// </summary>
    public static async Task<string> InviteAsync(this IPage admin, string search, string name, params string[] roles)
    {
        await admin.GotoAsync("/admin/invitations/new");
        await admin.GetByLabel("Name, email or employee id").FillAsync(search);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await admin.ShouldArriveAtAsync(url => url.Query.StartsWith("?person=", StringComparison.Ordinal));
        foreach (var role in roles)
        {
            await admin.GetByRole(AriaRole.Checkbox, new() { Name = role }).CheckAsync();
        }
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create invitation" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status).Filter(new() { HasText = $"Invitation created for {name}." })).ToBeVisibleAsync();
        return await admin.GetByLabel("Invitation link (works once, for 7 days)").InputValueAsync();
    }
}
