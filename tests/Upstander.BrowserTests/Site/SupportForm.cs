using Microsoft.Playwright;

namespace Upstander.BrowserTests.Site;

/// <summary>The "talk to someone" form, filled in as a person would: by the labels they read.</summary>
public static class SupportForm
{
    /// <summary>What the person asks for. Answers are "yes", "no" or "rather-not-say" to the three safety questions.</summary>
    public sealed record Request(string Topic, string Timing, bool ShowName, string SafeNow = "yes", string SelfHarm = "no", string HarmOthers = "no")
    {
        public string Channel { get; init; } = "Messages in Upstander";
        public string? Language { get; init; }
        public string? Details { get; init; }
    }

    /// <summary>Opens the form, checks it with axe, fills it in and asks for support. The next page is the request's own.</summary>
    public static async Task AskForSupportAsync(this IPage page, Request request)
    {
        await page.GotoAsync("/support/talk");
        await page.ShouldBeAccessibleAsync();
        await page.GetByLabel(request.Topic).CheckAsync();
        await page.GetByLabel(request.Timing).CheckAsync();
        await page.GetByLabel(request.Channel).CheckAsync();
        if (request.Language is { } language)
        {
            await page.GetByLabel("A supporter who speaks (optional)").SelectOptionAsync(new SelectOptionValue { Label = language });
        }
        await page.GetByLabel(request.ShowName ? "Yes, they may see my name" : "No, show them a made-up name instead").CheckAsync();
        await page.Locator($"#answer-safe-now-{request.SafeNow}").CheckAsync();
        await page.Locator($"#answer-self-harm-{request.SelfHarm}").CheckAsync();
        await page.Locator($"#answer-harm-others-{request.HarmOthers}").CheckAsync();
        if (request.Details is { } details)
        {
            await page.GetByLabel("Is there anything you would like us to know before we find someone? (optional)").FillAsync(details);
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Ask for support" }).ClickAsync();
        await page.ShouldArriveAtAsync(url => url.AbsolutePath.StartsWith("/support/requests/", StringComparison.Ordinal));
    }
}
