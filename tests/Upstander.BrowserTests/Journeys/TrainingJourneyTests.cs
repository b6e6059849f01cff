using Microsoft.Playwright;
using Upstander.BrowserTests.Site;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Journeys;

/// <summary>
/// From invitation to certified peer supporter, entirely in the browser: the administrator invites a
/// coordinator and a volunteer; the coordinator enrols the volunteer in the core course with a cohort;
/// the volunteer rates their listening skills, takes every lesson, knowledge check and practice
/// conversation of all ten modules, answers each module's survey, rates again at the end and sees their
/// growth, then asks for sign-off; the coordinator signs off their supervised practice; the volunteer
/// is a certified peer supporter with an expiry date, and the supporter area opens to them.
/// </summary>
public sealed class TrainingJourneyTests(OrganisationSite site) : IClassFixture<OrganisationSite>
{
    private const string Course = "becoming-a-peer-supporter";
    private const string CoordinatorPassword = "willow canvas harbour ember";
    private const string VolunteerPassword = "meadow lantern copper violin";

    [Fact]
    public async Task A_new_volunteer_goes_from_invitation_to_certified_supporter_and_a_coordinator_signs_them_off()
    {
        var admin = await site.SignedInAdministratorAsync();
        var coordinatorLink = await admin.InviteAsync("priya", "Priya Raman", "Coordinator");
        var volunteerLink = await admin.InviteAsync("tomas", "Tomás Ortega");

        // The coordinator sets up her account and enrols the volunteer with a cohort.
        var priya = await site.NewPageAsync();
        await priya.OpenInvitationAsync(coordinatorLink, "Priya Raman");
        await priya.ChoosePasswordAsync(CoordinatorPassword);
        await priya.TurnOnTwoFactorAsync();
        await priya.GotoAsync("/coordinate");
        await priya.GetByRole(AriaRole.Link, new() { Name = "Open training cohorts" }).ClickAsync();
        await priya.ShouldArriveAtAsync(url => url.AbsolutePath == "/coordinate/training");
        await priya.ShouldBeAccessibleAsync();
        await priya.GetByRole(AriaRole.Link, new() { Name = "Enrol people" }).First.ClickAsync();
        await priya.GetByLabel("Name, email or employee id").FillAsync("tomas");
        await priya.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await priya.GetByRole(AriaRole.Checkbox, new() { Name = "Tomás Ortega (tomas.ortega@riverside.example)" }).CheckAsync();
        await priya.GetByLabel("Course").SelectOptionAsync(new SelectOptionValue { Label = "Becoming a peer supporter" });
        await priya.GetByLabel("Cohort name").FillAsync("Winter intake");
        await priya.ShouldBeAccessibleAsync();
        await priya.GetByRole(AriaRole.Button, new() { Name = "Enrol" }).ClickAsync();
        await Expect(priya.GetByText("Enrolled.")).ToBeVisibleAsync();
        await Expect(priya.GetByRole(AriaRole.Main)).ToContainTextAsync("Winter intake");
        await Expect(priya.GetByRole(AriaRole.Main)).ToContainTextAsync("Tomás Ortega");
        await priya.ShouldBeAccessibleAsync();

        // The volunteer accepts the invitation and finds the course.
        var tomas = await site.NewPageAsync();
        await tomas.OpenInvitationAsync(volunteerLink, "Tomás Ortega");
        await tomas.ChoosePasswordAsync(VolunteerPassword);
        await Expect(tomas.GetByRole(AriaRole.Heading, new() { Name = "Hello, Tomás", Level = 1 })).ToBeVisibleAsync();
        await tomas.GotoAsync("/training");
        await Expect(tomas.GetByRole(AriaRole.Link, new() { Name = "Becoming a peer supporter" })).ToBeVisibleAsync();
        await tomas.ShouldBeAccessibleAsync();
        await tomas.GotoAsync("/training/certification");
        await Expect(tomas.GetByText("Not certified yet")).ToBeVisibleAsync();
        await Expect(tomas.GetByRole(AriaRole.Button, new() { Name = "Ask for sign-off" })).ToHaveCountAsync(0);

        // Every module, start to finish, with the self-assessment first and each module's survey.
        var pages = await tomas.CompleteCourseAsync(Course);
        pages.ShouldBeGreaterThan(100, "ten modules of lessons, checks and conversations");
        await Expect(tomas.GetByText("Feedback given")).ToHaveCountAsync(10);
        await tomas.GotoAsync($"/training/{Course}/self-assessment/after");
        await TrainingWalk.RateEveryStatementAsync(tomas, 4);
        await Expect(tomas.GetByRole(AriaRole.Heading, new() { Name = "Your self-assessment", Level = 1 })).ToBeVisibleAsync();
        await Expect(tomas.GetByRole(AriaRole.Table, new() { Name = "Your mean rating for each skill, before and after the course" })).ToContainTextAsync("+2");
        await tomas.ShouldBeAccessibleAsync();
        await tomas.GotoAsync($"/training/{Course}/certificate");
        await Expect(tomas.GetByRole(AriaRole.Main)).ToContainTextAsync("Becoming a peer supporter");
        await tomas.ShouldBeAccessibleAsync();

        await tomas.GotoAsync("/training/certification");
        await tomas.ShouldBeAccessibleAsync();
        await TrainingWalk.Navigate(tomas, () => tomas.GetByRole(AriaRole.Button, new() { Name = "Ask for sign-off" }).ClickAsync());
        await Expect(tomas.GetByText("Sign-off requested")).ToBeVisibleAsync();

        // The coordinator reviews the request and signs off the supervised practice.
        await priya.GotoAsync("/coordinate/training");
        await priya.GetByRole(AriaRole.Link, new() { Name = "Review the request from Tomás Ortega" }).ClickAsync();
        await priya.ShouldArriveAtAsync(url => url.AbsolutePath.StartsWith("/coordinate/training/requests/", StringComparison.Ordinal));
        await priya.ShouldBeAccessibleAsync();
        await priya.GetByLabel("Date the supervised practice was completed").FillAsync(DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await priya.GetByRole(AriaRole.Checkbox, new() { Name = "I have observed this candidate's supervised practice and it meets the standard for a peer supporter." }).CheckAsync();
        await priya.GetByLabel("Note (optional)").FillAsync("Two observed practice conversations, both careful and kind.");
        await priya.GetByRole(AriaRole.Button, new() { Name = "Sign off and certify" }).ClickAsync();
        await Expect(priya.GetByText("Signed off. The person is now a certified peer supporter.")).ToBeVisibleAsync();
        await priya.ShouldBeAccessibleAsync();

        // Signed in again, the volunteer is a certified supporter.
        await tomas.SignOutAsync();
        await tomas.ShouldArriveAtAsync(url => url.AbsolutePath == "/account/signed-out");
        await tomas.SignInAsync("tomas.ortega@riverside.example", VolunteerPassword);
        await tomas.ShouldArriveAtAsync(url => url.AbsolutePath == "/");
        await tomas.GotoAsync("/training/certification");
        await Expect(tomas.GetByRole(AriaRole.Main)).ToContainTextAsync("Certified");
        await Expect(tomas.GetByText("Your certificate expires on")).ToBeVisibleAsync();
        await Expect(tomas.GetByRole(AriaRole.Table, new() { Name = "Your certification history, newest first" })).ToContainTextAsync("Priya Raman");
        await tomas.ShouldBeAccessibleAsync();
        var supporterArea = await tomas.GotoAsync("/supporter");
        supporterArea!.Status.ShouldBe(200);
        await Expect(tomas.GetByRole(AriaRole.Heading, new() { Name = "Supporter area", Level = 1 })).ToBeVisibleAsync();
        await tomas.ShouldBeAccessibleAsync();
    }

    [Fact]
    public async Task A_coordinator_edits_a_lesson_of_the_core_course_previews_it_and_publishes_a_version_for_new_learners()
    {
        var admin = await site.SignedInAdministratorAsync();
        var link = await admin.InviteAsync("grace", "Grace Liu", "Coordinator");
        var grace = await site.NewPageAsync();
        await grace.OpenInvitationAsync(link, "Grace Liu");
        await grace.ChoosePasswordAsync("orchard kettle saffron beacon");
        await grace.TurnOnTwoFactorAsync();

        await grace.GotoAsync("/coordinate");
        await grace.GetByRole(AriaRole.Link, new() { Name = "Training courses: edit, create and publish" }).ClickAsync();
        await grace.ShouldArriveAtAsync(url => url.AbsolutePath == "/coordinate/training/courses");
        await grace.ShouldBeAccessibleAsync();
        var row = grace.GetByRole(AriaRole.Row).Filter(new() { HasText = "Becoming a peer supporter" });
        await TrainingWalk.Navigate(grace, () => row.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync());
        await Expect(grace.GetByRole(AriaRole.Heading, new() { Name = "Draft: Becoming a peer supporter", Level = 1 })).ToBeVisibleAsync();
        await grace.ShouldBeAccessibleAsync();
        await grace.GetByRole(AriaRole.Link, new() { Name = "The role and its boundaries" }).ClickAsync();
        await grace.GetByRole(AriaRole.Link, new() { Name = "What a peer supporter is" }).ClickAsync();
        await grace.ShouldArriveAtAsync(url => url.AbsolutePath.EndsWith("/lessons/1", StringComparison.Ordinal));
        await grace.ShouldBeAccessibleAsync();

        var text = grace.GetByLabel("Lesson text (Markdown)");
        await text.FillAsync((await text.InputValueAsync()) + "\n\n## In our organisation\n\nAsk **Grace** about supervision. <script>alert(1)</script>");
        await TrainingWalk.Navigate(grace, () => grace.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync());
        var preview = grace.GetByRole(AriaRole.Region, new() { Name = "Preview (not saved)" });
        await Expect(preview.GetByRole(AriaRole.Heading, new() { Name = "In our organisation" })).ToBeVisibleAsync();
        await Expect(preview.Locator("strong", new() { HasText = "Grace" })).ToHaveCountAsync(1);
        await Expect(preview).ToContainTextAsync("<script>alert(1)</script>");
        await Expect(preview.Locator("script")).ToHaveCountAsync(0);
        await grace.ShouldBeAccessibleAsync();
        await TrainingWalk.Navigate(grace, () => grace.GetByRole(AriaRole.Button, new() { Name = "Save lesson" }).ClickAsync());
        await Expect(grace.GetByText("The lesson was saved.")).ToBeVisibleAsync();

        await grace.GetByRole(AriaRole.Link, new() { Name = "Back to module: The role and its boundaries" }).ClickAsync();
        await grace.GetByRole(AriaRole.Link, new() { Name = "Draft: Becoming a peer supporter" }).ClickAsync();
        await TrainingWalk.Navigate(grace, () => grace.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync());
        await Expect(grace.GetByRole(AriaRole.Status)).ToContainTextAsync("was published. New learners get this version.");
        await Expect(grace.GetByRole(AriaRole.Row).Filter(new() { HasText = "Becoming a peer supporter" })).ToContainTextAsync("Customised");
        await grace.ShouldBeAccessibleAsync();
    }
}
