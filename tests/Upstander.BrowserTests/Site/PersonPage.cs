using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Site;

/// <summary>The people directory and a person's page, as an administrator uses them.</summary>
public static class PersonPage
{
    /// <summary>On the people directory: searches for someone and returns the Account cell of their row ("Yes", "No" or "Deactivated").</summary>
    public static async Task<ILocator> AccountColumnAsync(this IPage admin, string search, string name)
    {
        await admin.GetByLabel("Name, email or employee id").FillAsync(search);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await admin.ShouldArriveAtAsync(url => url.AbsolutePath == "/admin/people" && url.Query.Contains("q=" + search, StringComparison.Ordinal));
        var row = admin.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Expect(row).ToHaveCountAsync(1);
        return row.GetByRole(AriaRole.Cell).Last;
    }

    /// <summary>On a person's page: unfolds "Deactivate this account" and checks that the button to do it shows.</summary>
    public static async Task OpenDeactivationAsync(this IPage admin)
    {
        await admin.GetByText("Deactivate this account", new() { Exact = true }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Button, new() { Name = "Deactivate account" })).ToBeVisibleAsync();
    }
}
