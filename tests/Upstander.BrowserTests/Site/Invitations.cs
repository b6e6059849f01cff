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
}
