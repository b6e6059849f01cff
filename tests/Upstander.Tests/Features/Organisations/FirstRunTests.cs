using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Platform;
using Upstander.Platform.Data;
using Upstander.Tests.Features.Accounts;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Organisations;

public sealed class FirstRunTests
{
    [Fact]
    public async Task The_first_run_page_creates_the_organisation_and_its_admin_then_disappears()
    {
        await using var factory = new UpstanderFactory();
        var client = factory.Browser();
        (await client.GetAsync("/setup")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var code = factory.Services.GetRequiredService<FirstRunCode>().Code!;
        var fields = new Dictionary<string, string>
        {
            ["Input.Code"] = "WRONG-CODE",
            ["Input.OrganisationName"] = "Riverside Council",
            ["Input.Name"] = "Ada Admin",
            ["Input.Email"] = "ada@riverside.example",
            ["Input.EmployeeId"] = "R1",
            ["Input.Password"] = "a long enough password",
        };
        var wrong = await client.PostFormAsync("/setup", new(fields));
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await wrong.Content.ReadAsStringAsync()).ShouldContain("not the one shown on the server console");

        fields["Input.Code"] = code.ToLowerInvariant();
        var created = await client.PostFormAsync("/setup", new(fields));
        created.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        created.Headers.Location!.OriginalString.ShouldStartWith("/account/two-factor");

        var names = await factory.InScopeAsync(null, services => services.GetRequiredService<AppDbContext>().Organisations.IgnoreQueryFilters().Select(o => o.Name).ToListAsync());
        names.ShouldBe(["Riverside Council"]);
        (await factory.Browser().GetAsync("/setup")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_cli_creates_an_organisation_and_an_admin_with_a_one_time_invitation_link()
    {
        await using var database = TestDatabase.Create(Engine.Sqlite);
        var organisation = await Cli.RunAsync(database, "create-organisation", "--name", "Hillside Trust");
        organisation.ExitCode.ShouldBe(0, organisation.Error);
        var id = System.Text.RegularExpressions.Regex.Match(organisation.Output, "id ([0-9a-f-]{36})").Groups[1].Value;

        var admin = await Cli.RunAsync(database, "create-admin", "--organisation", id, "--name", "Hal Admin", "--email", "hal@hillside.example", "--employee-id", "H1");
        admin.ExitCode.ShouldBe(0, admin.Error);
        admin.Output.ShouldMatch(@"/account/invitation\?token=inv_[A-Za-z0-9_-]{43}");

        var unknown = await Cli.RunAsync(database, "create-admin", "--organisation", Guid.NewGuid().ToString(), "--name", "X", "--email", "x@y.example", "--employee-id", "X1");
        unknown.ExitCode.ShouldBe(1);
        unknown.Error.ShouldContain("No organisation has the id");

        var duplicate = await Cli.RunAsync(database, "create-admin", "--organisation", id, "--name", "Hal Again", "--email", "hal@hillside.example", "--employee-id", "H2");
        duplicate.ExitCode.ShouldBe(1);
        duplicate.Error.ShouldContain("already exists");
    }

    [Fact]
    public async Task The_link_create_admin_prints_lets_the_administrator_choose_a_password_and_then_set_up_two_factor()
    {
        await using var database = TestDatabase.Create(Engine.Sqlite);
        var organisation = await Cli.RunAsync(database, "create-organisation", "--name", "Hillside Trust");
        organisation.ExitCode.ShouldBe(0, organisation.Error);
        var id = System.Text.RegularExpressions.Regex.Match(organisation.Output, "id ([0-9a-f-]{36})").Groups[1].Value;
        var admin = await Cli.RunAsync(database, "create-admin", "--organisation", id, "--name", "Hal Admin", "--email", "hal@hillside.example", "--employee-id", "H1");
        admin.ExitCode.ShouldBe(0, admin.Error);
        var link = System.Text.RegularExpressions.Regex.Match(admin.Output, @"\S+/account/invitation\?token=\S+").Value;

        await using var factory = new UpstanderFactory(database: database);
        var browser = factory.Browser();
        var page = await browser.GetAsync(AccountsTestKit.PathOf(link));
        page.StatusCode.ShouldBe(HttpStatusCode.OK, "the administrator's link must open the page where they choose how to sign in");
        (await page.Content.ReadAsStringAsync()).ShouldContain("Welcome, Hal Admin");

        var accepted = await browser.AcceptWithPasswordAsync(link, "lantern orchard pebble violin");
        accepted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        accepted.Headers.Location!.OriginalString.ShouldBe("/account/two-factor?required=true");
        (await browser.GetStringAsync("/account/two-factor?required=true")).ShouldContain("data-authenticator-key>");
        (await factory.Browser().GetAsync(AccountsTestKit.PathOf(link))).StatusCode.ShouldBe(HttpStatusCode.Gone, "the link works once");
    }
}
