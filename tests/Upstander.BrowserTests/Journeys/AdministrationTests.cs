using Microsoft.Playwright;
using Upstander.BrowserTests.Site;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Journeys;

/// <summary>
/// The administrator of an installation set up on the command line, at work: importing people from a
/// spreadsheet (with and without JavaScript) and the pages they manage the installation from. The
/// tests share one installation; each import uses its own department and employee ids.
/// </summary>
public sealed class AdministrationTests(OrganisationSite site) : IClassFixture<OrganisationSite>
{
    private const string Headings = "Name,Work email,Employee id,Department,Team,Manager employee id,Start date\n";

    /// <summary>Rows 2, 3, 4 and 10 are valid; 5 to 9 have errors; 11 is fine but reports to row 5.</summary>
    private const string ReadingRoomsWithErrors = Headings +
        "Ada Okafor,ada.okafor@riverside.example,RL-100,Reading Rooms,Lending,,2019-04-01\n" +
        "Ben Carter,ben.carter@riverside.example,RL-101,Reading Rooms,Lending,RL-100,2021-03-01\n" +
        "Chloé Martin,chloe.martin@riverside.example,RL-102,Reading Rooms,Archives,RL-100,2022-09-12\n" +
        "Dev Patel,dev.patel@riverside.example,RL-103,Reading Rooms,Archives,RL-999,2020-01-06\n" +
        "Erin Walsh,erin.walsh@riverside.example,RL-104,Reading Rooms,Events,RL-105,2018-05-14\n" +
        "Femi Adeyemi,femi.adeyemi@riverside.example,RL-105,Reading Rooms,Events,RL-104,2018-05-14\n" +
        "Gus Novak,gus.novak-at-riverside.example,RL-106,Reading Rooms,Lending,RL-100,2023-02-20\n" +
        "Hana Sato,hana.sato@riverside.example,RL-107,Reading Rooms,Lending,RL-100,20/02/2023\n" +
        "Ivo Petrov,ivo.petrov@riverside.example,RL-108,Reading Rooms,Lending,RL-101,2024-01-08\n" +
        "Jo Lind,jo.lind@riverside.example,RL-109,Reading Rooms,Archives,RL-103,2024-06-03\n";

    /// <summary>The same people with every error put right, and Ben moved to another team.</summary>
    private const string ReadingRoomsCorrected = Headings +
        "Ada Okafor,ada.okafor@riverside.example,RL-100,Reading Rooms,Lending,,2019-04-01\n" +
        "Ben Carter,ben.carter@riverside.example,RL-101,Reading Rooms,Local History,RL-100,2021-03-01\n" +
        "Chloé Martin,chloe.martin@riverside.example,RL-102,Reading Rooms,Archives,RL-100,2022-09-12\n" +
        "Dev Patel,dev.patel@riverside.example,RL-103,Reading Rooms,Archives,RL-100,2020-01-06\n" +
        "Erin Walsh,erin.walsh@riverside.example,RL-104,Reading Rooms,Events,RL-100,2018-05-14\n" +
        "Femi Adeyemi,femi.adeyemi@riverside.example,RL-105,Reading Rooms,Events,RL-104,2018-05-14\n" +
        "Gus Novak,gus.novak@riverside.example,RL-106,Reading Rooms,Lending,RL-100,2023-02-20\n" +
        "Hana Sato,hana.sato@riverside.example,RL-107,Reading Rooms,Lending,RL-100,2023-02-20\n" +
        "Ivo Petrov,ivo.petrov@riverside.example,RL-108,Reading Rooms,Lending,RL-101,2024-01-08\n" +
        "Jo Lind,jo.lind@riverside.example,RL-109,Reading Rooms,Archives,RL-103,2024-06-03\n";

    private const string InvalidOnly = "only if importing valid rows";

    [Fact]
    public async Task An_admin_imports_only_the_valid_rows_of_a_file_with_errors_then_the_corrected_file_which_updates_people_by_employee_id()
    {
        var page = await site.SignedInAdministratorAsync("/admin/people/import");

        await page.UploadAsync("reading-rooms.csv", ReadingRoomsWithErrors);
        await Expect(page.GetByText("reading-rooms.csv: 10 rows checked.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("5 rows have errors. Nothing has been imported.");
        (await page.ProblemsAsync()).ShouldBe(
        [
            new(5, "Manager employee id", "is not the employee id of anyone in this file or in the directory (RL-999)."),
            new(6, "Manager employee id", "makes a management cycle: RL-104 → RL-105 → RL-104."),
            new(7, "Manager employee id", "makes a management cycle: RL-104 → RL-105 → RL-104."),
            new(8, "Work email", "is not a valid email address."),
            new(9, "Start date", "is not a date in the form yyyy-MM-dd (for example 2024-03-31)."),
            new(11, "Manager employee id", "depends on row 5, which has errors. " + InvalidOnly),
        ]);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Import all" })).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new() { Name = "Import only the 4 valid rows" }).ClickAsync();
        await page.FollowImportAsync(javaScript: true, site.Server);
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("reading-rooms.csv was imported.");
        (await page.SummaryAsync()).ShouldBe(new Dictionary<string, string> { ["People added"] = "4", ["People updated"] = "0", ["Rows skipped"] = "6" });

        (await page.PeopleInDepartmentAsync("Reading Rooms")).ShouldBe(["Ada Okafor", "Ben Carter", "Chloé Martin", "Ivo Petrov"]);
        await page.GetByRole(AriaRole.Link, new() { Name = "Ben Carter" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ben Carter", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Team")).ToHaveValueAsync("Lending");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Ada Okafor" })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();

        // The corrected file: every row valid, so it can be imported whole; people already there are updated.
        await page.GotoAsync("/admin/people/import");
        await page.UploadAsync("reading-rooms-corrected.csv", ReadingRoomsCorrected);
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync(
            "Every row is valid. Importing will add 6 new people and update 4 already in the directory.");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Problems found in the file, by row" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Import only" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Import all" }).ClickAsync();
        await page.FollowImportAsync(javaScript: true, site.Server);
        (await page.SummaryAsync()).ShouldBe(new Dictionary<string, string> { ["People added"] = "6", ["People updated"] = "4", ["Rows skipped"] = "0" });

        (await page.PeopleInDepartmentAsync("Reading Rooms")).ShouldBe(
            ["Ada Okafor", "Ben Carter", "Chloé Martin", "Dev Patel", "Erin Walsh", "Femi Adeyemi", "Gus Novak", "Hana Sato", "Ivo Petrov", "Jo Lind"]);
        await page.GetByRole(AriaRole.Link, new() { Name = "Ben Carter" }).ClickAsync();
        await Expect(page.GetByLabel("Team")).ToHaveValueAsync("Local History");
        await Expect(page.GetByLabel("Work email")).ToHaveValueAsync("ben.carter@riverside.example");
        await page.ShouldBeAccessibleAsync();
    }

    [Fact]
    public async Task With_javascript_the_progress_page_of_a_longer_import_follows_it_in_place_and_hands_the_result_to_the_keyboard_and_screen_reader()
    {
        // Long enough that the import is still going when its progress page is first shown, so the page's own
        // script (not a first answer that already says "finished") has to bring the result.
        const int rows = 3000;
        var csv = new System.Text.StringBuilder(Headings);
        for (var i = 1; i <= rows; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"Branch Person {i},branch.person{i}@riverside.example,BL-{i},Branch Libraries,Branch {(i % 12) + 1},{(i == 1 ? "" : "BL-1")},2020-01-06\n");
        }
        var page = await site.SignedInAdministratorAsync("/admin/people/import");
        await page.UploadAsync("branches.csv", csv.ToString());
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync(
            "Every row is valid. Importing will add 3000 new people and update 0 already in the directory.");

        var first = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Import all" }).ClickAsync(),
            r => r.Request.ResourceType == "document" && r.Url.Contains("/admin/people/import/jobs/", StringComparison.Ordinal));
        (await first.TextAsync()).ShouldContain("Importing people", customMessage: "the progress page was first shown while the import was going");
        await page.FollowImportAsync(javaScript: true, site.Server);

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("branches.csv was imported.");
        (await page.SummaryAsync()).ShouldBe(new Dictionary<string, string> { ["People added"] = "3000", ["People updated"] = "0", ["Rows skipped"] = "0" });
        await Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("^Import finished"));
        await Expect(page.Locator("main")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task An_admin_who_forgot_their_password_asks_for_a_link_by_email_sets_a_new_password_and_signs_in_with_two_factor()
    {
        var admin = await site.AdministratorAsync();
        var page = await site.NewPageAsync();
        await page.GotoAsync("/account/sign-in");
        await page.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" }).ClickAsync();
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/account/forgot-password");
        await page.ShouldBeAccessibleAsync();
        await page.GetByLabel("Work email").FillAsync(admin.Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Email me a link" }).ClickAsync();
        await page.ShouldArriveAtAsync(url => url.Query == "?sent=true");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("a link to set a new password is on its way");
        await page.ShouldBeAccessibleAsync();

        var mail = await site.Mail.WaitForAsync(m => m.Subject?.EndsWith("set a new password for Upstander", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(30));
        var link = System.Text.RegularExpressions.Regex.Match(mail.TextBody ?? "", @"https?://\S+/account/reset-password\?token=\S+").Value;
        link.ShouldNotBeEmpty();
        await page.GotoAsync(new Uri(link).PathAndQuery);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Set a new password", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
        // The same password again, so the other journeys on this site still sign in with it.
        await page.GetByLabel("New password").FillAsync(admin.Password);
        await page.GetByLabel("Type it again").FillAsync(admin.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Set my new password" }).ClickAsync();
        // The answer to the form says so, at the link's own address (nothing in an address can make the page claim it).
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your new password is set", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldHaveLoadedAsync();
        await page.ShouldBeAccessibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Go to sign in" }).ClickAsync();
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/account/sign-in");
        await page.SignInWithTwoFactorAsync(admin.Email, admin.Password, admin.AuthenticatorKey);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Hello, Morgan", Level = 1 })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task With_javascript_off_an_admin_uploads_a_file_reads_the_report_imports_the_valid_rows_and_sees_them_in_the_directory()
    {
        var page = await site.SignedInAdministratorAsync("/admin/people/import", javaScript: false);

        const string mobileLibrary = Headings +
            "Kai Brennan,kai.brennan@riverside.example,ML-1,Mobile Library,North Route,,2020-02-03\n" +
            "Lena Vogel,lena.vogel@riverside.example,ML-2,Mobile Library,North Route,ML-1,2021-07-19\n" +
            "Milo Grant,milo.grant@riverside.example,ML-3,Mobile Library,South Route,ML-9,2022-11-07\n" +
            "Noor Haddad,noor.haddad@riverside.example,ML-4,Mobile Library,South Route,ML-1,2023-02-30\n";
        await page.UploadAsync("mobile-library.csv", mobileLibrary);
        await Expect(page.GetByText("mobile-library.csv: 4 rows checked.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("2 rows have errors. Nothing has been imported.");
        (await page.ProblemsAsync()).ShouldBe(
        [
            new(4, "Manager employee id", "is not the employee id of anyone in this file or in the directory (ML-9)."),
            new(5, "Start date", "is not a date in the form yyyy-MM-dd (for example 2024-03-31)."),
        ]);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Import all" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Import only the 2 valid rows" }).ClickAsync();
        await page.FollowImportAsync(javaScript: false);
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("mobile-library.csv was imported.");
        (await page.SummaryAsync()).ShouldBe(new Dictionary<string, string> { ["People added"] = "2", ["People updated"] = "0", ["Rows skipped"] = "2" });
        (await page.PeopleInDepartmentAsync("Mobile Library")).ShouldBe(["Kai Brennan", "Lena Vogel"]);
    }

    [Fact]
    public async Task The_admins_account_people_person_invitations_tokens_and_settings_pages_show_what_they_manage_and_pass_axe()
    {
        var page = await site.SignedInAdministratorAsync("/account");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your account", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("Signed in as morgan.ellis@riverside.example.")).ToBeVisibleAsync();
        await Expect(page.GetByText("On. Signing in with a password also asks for a code from your authenticator app.")).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();

        await page.GotoAsync("/admin/people");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "People", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
        await page.GetByLabel("Name, email or employee id").FillAsync("RL-000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("4 people found.");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Morgan Ellis" })).ToContainTextAsync("Yes");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Tomás Ortega" })).ToContainTextAsync("No");
        await page.ShouldBeAccessibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Tomás Ortega" }).ClickAsync();
        await page.ShouldArriveAtAsync(url => url.AbsolutePath.StartsWith("/admin/people/", StringComparison.Ordinal));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Tomás Ortega", Level = 1 })).ToBeVisibleAsync();
        var line = page.GetByRole(AriaRole.Region, new() { Name = "Management line" });
        await Expect(line.GetByRole(AriaRole.Listitem)).ToHaveTextAsync(["Priya Raman", "Morgan Ellis"]);
        await Expect(page.GetByText("This person has no account yet, so they cannot sign in and hold no roles.")).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();

        await page.GotoAsync("/admin/invitations");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Invitations", Level = 1 })).ToBeVisibleAsync();
        var own = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Morgan Ellis" });
        await Expect(own).ToContainTextAsync("Administrator");
        await Expect(own).ToContainTextAsync("Used: account created");
        await page.ShouldBeAccessibleAsync();

        await page.GotoAsync("/admin/tokens");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Access tokens", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
        await page.GetByLabel("Acts as").SelectOptionAsync(new SelectOptionValue { Label = "Morgan Ellis (morgan.ellis@riverside.example)" });
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Nightly directory sync");
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue token" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Token \"Nightly directory sync\" issued", Level = 2 })).ToBeVisibleAsync();
        (await page.GetByLabel("Token", new() { Exact = true }).InputValueAsync()).Length.ShouldBeGreaterThan(30);
        var token = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Nightly directory sync" });
        await Expect(token).ToContainTextAsync("Active");
        await Expect(token).ToContainTextAsync("Morgan Ellis");
        await page.ShouldBeAccessibleAsync();

        // The organisation's settings: its time zone changes how every page shows a moment.
        await page.GotoAsync("/admin/organisation");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Organisation settings", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
        await page.GetByLabel("Time zone").SelectOptionAsync("Europe/London");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "The settings were saved." })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Time zone")).ToHaveValueAsync("Europe/London");
        await page.ShouldBeAccessibleAsync();
        await page.GotoAsync("/admin/tokens");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Nightly directory sync" })).ToContainTextAsync("London time");

        // The administration page and its audit log: the organisation's events, filtered, and the chain checked.
        await page.GotoAsync("/admin");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Administration", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log", Level = 1 })).ToBeVisibleAsync();
        await page.GetByLabel("Action").FillAsync("token.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "token.issued" })).ToContainTextAsync("Morgan Ellis");
        await page.ShouldBeAccessibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the log now" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "The log is intact" })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
    }
}
