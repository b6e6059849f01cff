using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Organisations;
using Upstander.Features.PeerSupport.Resources;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.PeerSupport.Resources;

/// <summary>Coordinators maintain the support resources directory; everyone sees its published entries, crisis resources first.</summary>
public sealed class SupportResourcesTests
{
    private const string Editor = "/coordinate/resources";
    private const string Directory = "/support/resources";

    private static Dictionary<string, string> Form(string name = "Harbour Counselling", string? website = "https://counselling.example/help", string country = "GB",
        string kind = nameof(ResourceKind.EmployeeAssistance)) => new()
        {
            ["Input.Kind"] = kind,
            ["Input.Name"] = name,
            ["Input.Description"] = "Free, confidential counselling.",
            ["Input.Audience"] = "Everyone who works here",
            ["Input.Phone"] = "+44 113 496 0000",
            ["Input.Website"] = website ?? "",
            ["Input.Hours"] = "Monday to Friday, 9:00 to 17:00",
            ["Input.Country"] = country,
            ["Input.Languages"] = "English",
            ["Input.IsIndependent"] = "true",
            ["Input.Order"] = "0",
        };

    private static async Task<string> TextAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, url);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    private static Task<List<SupportResource>> RowsAsync(UpstanderFactory factory, Guid organisationId) =>
        factory.InScopeAsync(organisationId, services => services.GetRequiredService<AppDbContext>().Set<SupportResource>().AsNoTracking().ToListAsync());

    private static SupportResourceDetails Entry(string name, string? country, bool crisis = true, bool emergency = false, int order = 0, ResourceKind kind = ResourceKind.Helpline) =>
        new(kind, name, null, "Anyone", "116 123", null, null, null, null, true, country, null, crisis, emergency, false, order);

    private static Task<List<Guid>> SeedAsync(UpstanderFactory factory, Guid organisationId, params SupportResourceDetails[] entries) =>
        factory.InScopeAsync(organisationId, async services =>
        {
            var resources = services.GetRequiredService<SupportResources>();
            var ids = new List<Guid>();
            foreach (var entry in entries)
            {
                ids.Add((await resources.AddAsync(entry, CancellationToken.None)).Id);
            }
            return ids;
        });

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_coordinator_adds_edits_archives_and_restores_a_resource_and_employees_see_only_what_is_published(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Resources Org");
        var coordinator = await factory.SignInAsync(org[Roles.Coordinator]);
        var employee = await factory.SignInAsync(org[Roles.Employee]);
        (await TextAsync(employee, "/")).ShouldContain($"href=\"{Directory}\"");

        var added = await coordinator.PostFormAsync(Editor + "/new", Form("<script>alert(1)</script> Counselling"));
        added.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        added.Headers.Location!.OriginalString.ShouldBe(Editor + "?done=added");
        var row = (await RowsAsync(factory, org.Id)).ShouldHaveSingleItem();
        row.Website.ShouldBe("https://counselling.example/help");
        row.Country.ShouldBe("GB");
        row.IsIndependent.ShouldBeTrue();
        row.CreatedBy.ShouldBe(org[Roles.Coordinator].AccountId);

        // Plain text only: the name is shown as text, the link is a plain anchor that hands nothing on.
        var raw = await (await employee.GetAsync(Directory + "?country=")).Content.ReadAsStringAsync();
        raw.ShouldNotContain("<script>alert(1)");
        raw.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt; Counselling");
        raw.ShouldContain("<a href=\"https://counselling.example/help\" rel=\"noopener noreferrer\">");
        WebUtility.HtmlDecode(raw).ShouldContain("href=\"tel:+441134960000\"");
        raw.ShouldNotContain("target=");

        var edit = $"{Editor}/{row.Id}";
        (await TextAsync(coordinator, edit)).ShouldContain("Monday to Friday, 9:00 to 17:00");
        var form = Form("Harbour Counselling", country: "");
        form["Input.AlwaysOpen"] = "true";
        (await coordinator.PostFormAsync(edit, form)).Headers.Location!.OriginalString.ShouldBe(Editor + "?done=saved");
        (await TextAsync(employee, Directory)).ShouldContain("Harbour Counselling");
        var edited = (await RowsAsync(factory, org.Id)).ShouldHaveSingleItem();
        (edited.Name, edited.Country, edited.AlwaysOpen, edited.UpdatedBy).ShouldBe(("Harbour Counselling", null, true, org[Roles.Coordinator].AccountId));

        (await coordinator.PostFormAsync(edit + "?handler=Archive", [], edit)).Headers.Location!.OriginalString.ShouldBe(Editor + "?done=archived");
        (await TextAsync(employee, Directory)).ShouldNotContain("Harbour Counselling");
        var list = await TextAsync(coordinator, Editor);
        list.IndexOf("Harbour Counselling", StringComparison.Ordinal).ShouldBeGreaterThan(list.IndexOf("Archived resources", StringComparison.Ordinal));
        (await factory.InScopeAsync(org.Id, s => s.GetRequiredService<SupportResources>().FindAsync(row.Id, CancellationToken.None))).ShouldBeNull();

        (await coordinator.PostFormAsync(edit + "?handler=Restore", [], edit)).Headers.Location!.OriginalString.ShouldBe(Editor + "?done=restored");
        (await TextAsync(employee, Directory)).ShouldContain("Harbour Counselling");
        (await factory.InScopeAsync(org.Id, s => s.GetRequiredService<SupportResources>().FindAsync(row.Id, CancellationToken.None)))!.Name.ShouldBe("Harbour Counselling");

        // Every write is audited, and no audit event carries the entry's content.
        var events = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents.AsNoTracking()
            .Where(e => e.TargetType == "support-resource").ToListAsync());
        events.Select(e => e.Action).ShouldBe([AuditActions.SupportResourceAdded, AuditActions.SupportResourceUpdated, AuditActions.SupportResourceArchived, AuditActions.SupportResourceRestored], ignoreOrder: true);
        events.ShouldAllBe(e => e.TargetId == row.Id.ToString("N") && e.ActorId == org[Roles.Coordinator].AccountId);
        events.ShouldAllBe(e => e.Detail == null);
    }

    [Fact]
    public async Task Invalid_input_is_refused_with_400_the_problems_listed_and_nothing_saved()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Validation Org");
        var coordinator = await factory.SignInAsync(org[Roles.Coordinator]);
        var id = (await SeedAsync(factory, org.Id, Entry("Kept as it was", "GB")))[0];

        var cases = new (string Label, Dictionary<string, string> Form, string Message)[]
        {
            ("javascript url", Form(website: "javascript:alert(1)"), "Enter a web address starting with https:// or http://."),
            ("data url", Form(website: "data:text/html,<b>x</b>"), "Enter a web address starting with https:// or http://."),
            ("empty name", Form(name: "   "), "Enter a name of at most 200 characters."),
            ("overlong name", Form(name: new string('n', 201)), "Enter a name of at most 200 characters."),
            ("bad country", Form(country: "XX"), "Choose a country from the list, or all countries."),
            ("unknown kind", Form(kind: "Wizard"), "Choose what kind of service this is."),
            ("overlong description", new Dictionary<string, string>(Form()) { ["Input.Description"] = new string('d', 1001) }, "Enter a description of at most 1000 characters."),
            ("letters in phone", new Dictionary<string, string>(Form()) { ["Input.Phone"] = "call 999" }, "Enter a number using digits and spaces, with + before a country code."),
            ("bad email", new Dictionary<string, string>(Form()) { ["Input.Email"] = "javascript:alert(1)" }, "Enter an email address such as help@example.org."),
            ("negative order", new Dictionary<string, string>(Form()) { ["Input.Order"] = "-1" }, "Enter a position between 0 and 9999."),
            ("no way to reach it", new Dictionary<string, string>(Form(website: null)) { ["Input.Phone"] = "" }, "Give at least one way to reach the service"),
        };
        foreach (var (label, form, message) in cases)
        {
            foreach (var url in new[] { Editor + "/new", $"{Editor}/{id}" })
            {
                var response = await coordinator.PostFormAsync(url, new Dictionary<string, string>(form));
                response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"{label} at {url}");
                var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
                html.ShouldContain("Nothing was saved", customMessage: label);
                html.ShouldContain(message, customMessage: label);
            }
        }
        var rows = await RowsAsync(factory, org.Id);
        rows.ShouldHaveSingleItem().Name.ShouldBe("Kept as it was");
        rows[0].UpdatedAt.ShouldBe(rows[0].CreatedAt);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Crisis_resources_come_for_the_persons_country_and_all_countries_with_emergency_numbers_first(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Crisis Org");
        var other = await factory.CreateOrganisationAsync("Elsewhere Org");
        await SeedAsync(factory, org.Id,
            Entry("Samaritans", "GB", order: 0),
            Entry("European emergency number", null, emergency: true, order: 10),
            Entry("Shout", "GB", order: 1),
            Entry("Irish line", "IE"),
            Entry("Emergency services", "GB", emergency: true, order: 50),
            Entry("Global text line", null),
            Entry("Counselling", "GB", crisis: false, kind: ResourceKind.EmployeeAssistance));
        var archived = (await SeedAsync(factory, org.Id, Entry("Old GB line", "GB")))[0];
        await factory.InScopeAsync(org.Id, async s =>
        {
            var resources = s.GetRequiredService<SupportResources>();
            await resources.ArchiveAsync((await resources.EditableAsync(archived, CancellationToken.None))!, CancellationToken.None);
        });
        var theirs = (await SeedAsync(factory, other.Id, Entry("Their line", "GB", emergency: true)))[0];

        async Task<List<string>> CrisisAsync(string? country) => (await factory.InScopeAsync(org.Id,
            s => s.GetRequiredService<SupportResources>().CrisisResourcesAsync(country, CancellationToken.None))).Select(r => r.Name).ToList();

        (await CrisisAsync("GB")).ShouldBe(["Emergency services", "European emergency number", "Samaritans", "Shout", "Global text line"]);
        (await CrisisAsync(" gb ")).ShouldBe(await CrisisAsync("GB"));
        (await CrisisAsync("IE")).ShouldBe(["European emergency number", "Irish line", "Global text line"]);
        (await CrisisAsync("FR")).ShouldBe(["European emergency number", "Global text line"]);
        // No usable country: every crisis resource, rather than missing the person's own line.
        (await CrisisAsync(null)).ShouldBe(["Emergency services", "European emergency number", "Samaritans", "Shout", "Irish line", "Global text line"]);
        (await CrisisAsync("Leeds")).ShouldBe(await CrisisAsync(null));

        var listed = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<SupportResources>().ListAsync(new ResourceFilter("IE"), CancellationToken.None));
        listed.Select(r => r.Name).ShouldBe(["Global text line", "Irish line", "European emergency number"], "by kind, then position, then name");
        (await factory.InScopeAsync(org.Id, s => s.GetRequiredService<SupportResources>().FindAsync(theirs, CancellationToken.None))).ShouldBeNull();
    }

    [Fact]
    public async Task Another_organisation_never_sees_the_entries_and_only_coordinators_edit()
    {
        await using var factory = new UpstanderFactory();
        var mine = await factory.CreateOrganisationAsync("Mine Org");
        var theirs = await factory.CreateOrganisationAsync("Theirs Org");
        var id = (await SeedAsync(factory, mine.Id, Entry("Qwertyuiop Helpline", null)))[0];

        var theirCoordinator = await factory.SignInAsync(theirs[Roles.Coordinator]);
        (await theirCoordinator.GetAsync($"{Editor}/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        foreach (var handler in new[] { "", "?handler=Archive", "?handler=Restore" })
        {
            (await theirCoordinator.PostFormAsync($"{Editor}/{id}{handler}", Form(), Editor + "/new")).StatusCode.ShouldBe(HttpStatusCode.NotFound, handler);
        }
        (await TextAsync(theirCoordinator, Editor)).ShouldNotContain("Qwertyuiop");
        (await TextAsync(await factory.SignInAsync(theirs[Roles.Employee]), Directory)).ShouldNotContain("Qwertyuiop");

        foreach (var role in Roles.All)
        {
            var client = await factory.SignInAsync(mine[role]);
            (await TextAsync(client, Directory)).ShouldContain("Qwertyuiop Helpline", customMessage: role);
            if (role == Roles.Coordinator)
            {
                continue;
            }
            foreach (var url in new[] { Editor, Editor + "/new", $"{Editor}/{id}" })
            {
                var response = await client.GetAsync(url);
                response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"{role} GET {url}");
                response.Headers.Location!.OriginalString.ShouldContain("/account/access-denied");
            }
            var post = await client.PostFormAsync(Editor + "/new", Form("Sneaky"), "/");
            post.Headers.Location?.OriginalString.ShouldContain("/account/access-denied");
            var archive = await client.PostFormAsync($"{Editor}/{id}?handler=Archive", [], "/");
            archive.Headers.Location?.OriginalString.ShouldContain("/account/access-denied");
        }
        var rows = await RowsAsync(factory, mine.Id);
        rows.ShouldHaveSingleItem().IsArchived.ShouldBeFalse();
    }

    [Fact]
    public async Task The_directory_starts_at_the_persons_country_and_filters_with_a_plain_form()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Filter Org");
        await SeedAsync(factory, org.Id,
            Entry("Samaritans", "GB"),
            Entry("Irish line", "IE"),
            Entry("Counselling", "GB", crisis: false, kind: ResourceKind.EmployeeAssistance),
            Entry("Reading list", null, crisis: false, kind: ResourceKind.SelfHelpReading));
        var inBritain = await factory.InScopeAsync(null, async s =>
        {
            var (_, account) = await s.GetRequiredService<OrganisationSetup>().CreatePersonWithAccountAsync(org.Id,
                new PersonDetails("Gwen Pryce", "gwen@filterorg.example", "F-1", null, null, null, "gb", "en", null, null),
                [Roles.Employee], UpstanderFactory.Password, CancellationToken.None);
            return new TestAccount(Roles.Employee, "gwen@filterorg.example", account.Id, account.PersonId!.Value, null);
        });

        var gwen = await factory.SignInAsync(inBritain);
        var home = await TextAsync(gwen, Directory);
        home.ShouldContain("<option value=\"GB\" selected=\"selected\">United Kingdom</option>");
        home.ShouldContain("Samaritans");
        home.ShouldNotContain("Irish line");
        home.IndexOf("If you need help now", StringComparison.Ordinal).ShouldBeLessThan(home.IndexOf("Samaritans", StringComparison.Ordinal));
        home.IndexOf("Samaritans", StringComparison.Ordinal).ShouldBeLessThan(home.IndexOf("Counselling", StringComparison.Ordinal));
        home.ShouldContain("Reading list");
        home.ShouldContain("<form method=\"get\"");

        var all = await TextAsync(gwen, Directory + "?country=");
        all.ShouldContain("Irish line");
        all.ShouldContain("Samaritans");
        var ireland = await TextAsync(gwen, Directory + "?country=IE");
        ireland.ShouldContain("Irish line");
        ireland.ShouldNotContain("Samaritans");
        ireland.ShouldNotContain("Counselling");
        (await TextAsync(gwen, Directory + "?country=%3Cscript%3E")).ShouldContain("Irish line", customMessage: "an unknown country shows everything");

        // The test organisation's people have no location: they see every country.
        (await TextAsync(await factory.SignInAsync(org[Roles.Employee]), Directory)).ShouldContain("Irish line");
    }

    [Fact]
    public void Every_demo_entry_passes_the_editors_rules_and_the_organisations_own_services_say_they_are_fictional()
    {
        foreach (var entry in Upstander.Features.Demo.DemoResources.Entries)
        {
            var (details, problems) = SupportResourceRules.Check(SupportResourceInput.From(entry));
            problems.ShouldBeEmpty(entry.Name);
            details.ShouldBe(entry);
        }
        Upstander.Features.Demo.DemoResources.Entries.Where(e => e.Kind is ResourceKind.EmployeeAssistance or ResourceKind.LegalAdvice)
            .ShouldAllBe(e => e.Name.Contains("(demo)") && e.Description!.Contains("fictional"));
        Upstander.Features.Demo.DemoResources.Entries.Where(e => e.IsCrisis).Select(e => (e.Phone ?? e.TextNumber)!)
            .ShouldBe(["999", "112", "116 123", "85258"]);
    }

    [Theory]
    [InlineData("https://www.samaritans.org/", true)]
    [InlineData("http://example.org/a?b=c", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("JavaScript:alert(1)", false)]
    [InlineData("data:text/html,hi", false)]
    [InlineData("ftp://example.org/", false)]
    [InlineData("//example.org/", false)]
    [InlineData("https://user:secret@example.org/", false)]
    [InlineData("https://exa mple.org/", false)]
    [InlineData("www.example.org", false)]
    public void Web_addresses_are_only_http_or_https(string address, bool accepted) =>
        SupportResourceRules.IsWebAddress(address).ShouldBe(accepted);

    [Theory]
    [InlineData("999", true)]
    [InlineData("116 123", true)]
    [InlineData("+44 113 496 0000", true)]
    [InlineData("12", false)]
    [InlineData("0113-496-0000", false)]
    [InlineData("44+113", false)]
    [InlineData("tel:999", false)]
    public void Phone_numbers_are_digits_spaces_and_a_leading_plus(string number, bool accepted) =>
        SupportResourceRules.IsPhoneNumber(number).ShouldBe(accepted);
}
