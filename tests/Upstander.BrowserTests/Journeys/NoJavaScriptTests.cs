using Microsoft.Playwright;
using Upstander.BrowserTests.Site;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Journeys;

/// <summary>Someone on a locked-down or privacy browser, with JavaScript switched off, can still use Upstander.</summary>
public sealed class NoJavaScriptTests(DemoSite site) : IClassFixture<DemoSite>
{
    [Fact]
    public async Task With_javascript_off_an_employee_signs_in_reaches_their_home_page_and_signs_out()
    {
        var employee = (await site.Server.DemoSignInsAsync())["Employee"];
        var page = await site.NewPageAsync(javaScript: false);

        await page.SignInAsync(employee);

        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Hello, Ruth", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your support and reports" })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();

        await page.SignOutAsync();
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/account/signed-out");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are signed out", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
    }

    [Fact]
    public async Task With_javascript_off_an_employee_confirms_it_is_them_with_their_password_and_returns_to_their_account()
    {
        var employee = (await site.Server.DemoSignInsAsync())["Employee"];
        var page = await site.NewPageAsync(javaScript: false);
        await page.SignInAsync(employee);
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/");

        await page.GotoAsync("/account/confirm?returnUrl=%2Faccount");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Confirm it's you", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
        await page.GetByLabel("Your password").FillAsync("not my password at all");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That password is not right. Check it and try again.");
        await page.ShouldBeAccessibleAsync();

        await page.GetByLabel("Your password").FillAsync(employee.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm", Exact = true }).ClickAsync();
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/account");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your account", Level = 1 })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task With_javascript_off_an_employee_reads_her_conversation_replies_and_sees_new_messages_on_refresh()
    {
        var signIns = await site.Server.DemoSignInsAsync();
        var ruth = await site.NewPageAsync(javaScript: false);
        await ruth.SignInAsync(signIns["Employee"]);
        await ruth.ShouldArriveAtAsync(url => url.AbsolutePath == "/");

        await ruth.GotoAsync("/support/conversations");
        await ruth.ShouldBeAccessibleAsync();
        await ruth.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link).Filter(new() { HasText = "Kwame" }).First.ClickAsync();
        await ruth.ShouldArriveAtAsync(url => url.AbsolutePath.StartsWith("/support/conversations/", StringComparison.Ordinal));
        var conversation = new Uri(ruth.Url).AbsolutePath;
        await Expect(ruth.Locator("ol.thread")).ToContainTextAsync("Would it help to talk it through on a call this week?");
        await ruth.ShouldBeAccessibleAsync();

        await ruth.GetByLabel("Your message").FillAsync("Yes please, Thursday afternoon would suit me.");
        await ruth.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(ruth.Locator("ol.thread")).ToContainTextAsync("Yes please, Thursday afternoon would suit me.");

        // Kwame answers in his own (scripted) browser; Ruth's page shows it when she checks.
        var kwame = await site.NewPageAsync();
        await kwame.SignInAsync(signIns["PeerSupporter"]);
        await kwame.ShouldArriveAtAsync(url => url.AbsolutePath == "/");
        await kwame.GotoAsync(conversation);
        await kwame.GetByLabel("Your message").FillAsync("Thursday at three, then. I will suggest the time here.");
        await kwame.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(kwame.Locator("ol.thread")).ToContainTextAsync("Thursday at three, then.");

        await Expect(ruth.Locator("ol.thread")).Not.ToContainTextAsync("Thursday at three, then.");
        await ruth.GetByRole(AriaRole.Link, new() { Name = "Check for new messages" }).ClickAsync();
        await Expect(ruth.Locator("ol.thread")).ToContainTextAsync("Thursday at three, then.");
        await ruth.ShouldBeAccessibleAsync();
    }
}
