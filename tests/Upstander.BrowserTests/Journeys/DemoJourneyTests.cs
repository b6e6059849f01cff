using Microsoft.Playwright;
using Upstander.BrowserTests.Site;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Journeys;

/// <summary>People from the demo organisation (Upstander started with --demo) signing in and finding their way.</summary>
public sealed class DemoJourneyTests(DemoSite site) : IClassFixture<DemoSite>
{
    [Fact]
    public async Task An_employee_signs_in_sees_their_own_section_and_nothing_for_other_roles_and_a_mistyped_address_says_not_found()
    {
        var page = await site.SignedInAsync("Employee");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Hello, Ruth", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your support and reports" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Culture insights" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Administration" })).ToHaveCountAsync(0);
        await page.ShouldBeAccessibleAsync();

        var missing = await page.GotoAsync("/no/such/page");
        missing!.Status.ShouldBe(404);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "We could not find that page", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
    }

    [Fact]
    public async Task A_candidate_part_way_through_the_course_finds_it_on_their_home_page_and_continues_where_they_left_off()
    {
        var page = await site.SignedInAsync("Candidate");
        var training = page.GetByRole(AriaRole.Region, new() { Name = "Your training" });
        await Expect(training).ToContainTextAsync("Becoming a peer supporter: 4 of 10 modules complete");
        await page.ShouldBeAccessibleAsync();
        // Each course's link says which course it continues to a screen reader, which may list the links on their own.
        var resume = training.GetByRole(AriaRole.Link, new() { Name = "Continue where you left off" });
        await Expect(resume).ToHaveAccessibleNameAsync(new System.Text.RegularExpressions.Regex(@"^Continue where you left off\s*\(Becoming a peer supporter\)$"));
        await resume.ClickAsync();
        // The step the course page would resume at: the fifth module, where they stopped.
        await page.ShouldArriveAtAsync(url => url.AbsolutePath.StartsWith("/training/becoming-a-peer-supporter/", StringComparison.Ordinal));
        await page.ShouldBeAccessibleAsync();
        var step = new Uri(page.Url).PathAndQuery;
        await page.GotoAsync("/training/becoming-a-peer-supporter");
        (await page.GetByRole(AriaRole.Link, new() { Name = "Resume where you left off" }).GetAttributeAsync("href")).ShouldBe(step);
    }

    [Fact]
    public async Task A_leader_reaches_insights_is_refused_administration_and_after_signing_out_is_asked_to_sign_in_again()
    {
        var page = await site.SignedInAsync("Leader");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Hello, Jonas", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Insights" }).ClickAsync();
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/insights");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Culture insights", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();

        var admin = await page.GotoAsync("/admin");
        admin!.Status.ShouldBe(403);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This page is not available to you", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Administration", Level = 1 })).ToHaveCountAsync(0);
        await page.ShouldBeAccessibleAsync();

        await page.SignOutAsync();
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/account/signed-out");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are signed out", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();

        await page.GotoAsync("/");
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/account/sign-in");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Hello, Jonas" })).ToHaveCountAsync(0);
        await page.ShouldBeAccessibleAsync();
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_calm_message_and_no_session()
    {
        var researcher = (await site.Server.DemoSignInsAsync())["Researcher"];
        var page = await site.NewPageAsync();

        await page.SignInAsync(researcher.Email, "not-the-password-at-all");
        var alert = page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToHaveTextAsync("That email and password do not match. Check them and try again.");
        await page.ShouldBeAccessibleAsync();

        await page.SignInAsync("nobody.here@harbourview.example", "not-the-password-at-all");
        await Expect(alert).ToHaveTextAsync("That email and password do not match. Check them and try again.");
        await page.ShouldBeAccessibleAsync();

        await page.GotoAsync("/");
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/account/sign-in");
        await page.ShouldBeAccessibleAsync();
    }
}
