using Microsoft.Playwright;

namespace Upstander.BrowserTests.Site;

public static class SigningIn
{
    /// <summary>Opens the sign-in page, checks it with axe, and signs in as a person would: type, then press the button.</summary>
    public static async Task SignInAsync(this IPage page, string email, string password, string path = "/account/sign-in")
    {
        await page.GotoAsync(path);
        await page.ShouldBeAccessibleAsync();
        await page.GetByLabel("Work email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    public static Task SignInAsync(this IPage page, DemoSignIn who) => page.SignInAsync(who.Email, who.Password);

    /// <summary>Presses the header's "Sign out" (not the account page's "Sign out everywhere else").</summary>
    public static Task SignOutAsync(this IPage page) =>
        page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();

    /// <summary>The path and query of the page the browser is on now.</summary>
    public static string PathAndQuery(this IPage page) => new Uri(page.Url).PathAndQuery;
}
