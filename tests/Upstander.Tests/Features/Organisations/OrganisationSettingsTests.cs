using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Organisations;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Organisations;

/// <summary>The organisation's own settings (name, minimum group sizes, time zone) and how moments follow the zone.</summary>
public sealed class OrganisationSettingsTests
{
    private const string Page = "/admin/organisation";

    private static Dictionary<string, string> Form(string name, string size, string zone, string comments = "10") =>
        new() { ["Name"] = name, ["MinimumGroupSize"] = size, ["CommentMinimumGroupSize"] = comments, ["TimeZone"] = zone };

    private static Task<Organisation> OrganisationAsync(UpstanderFactory factory, Guid id) =>
        factory.InScopeAsync(id, s => s.GetRequiredService<AppDbContext>().Organisations.AsNoTracking().SingleAsync(o => o.Id == id));

    private static Task<int> SettingsEventsAsync(UpstanderFactory factory, Guid id) =>
        factory.InScopeAsync(id, s => s.GetRequiredService<AppDbContext>().AuditEvents.CountAsync(e => e.Action == AuditActions.OrganisationSettingsChanged));

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task An_administrator_changes_the_settings_bad_values_change_nothing_and_each_change_is_audited_by_name(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Settings Org");
        var admin = await factory.SignInAsync(org[Roles.Admin]);
        var page = await admin.GetStringAsync(Page);
        page.ShouldContain("value=\"Settings Org\"");
        page.ShouldContain("<option value=\"UTC\" selected=\"selected\">UTC</option>");
        page.ShouldContain("<option value=\"Europe/London\">");
        page.ShouldContain("name=\"CommentMinimumGroupSize\" type=\"number\" inputmode=\"numeric\" value=\"10\"", customMessage: "comments have their own, higher minimum");
        (await admin.GetStringAsync("/admin")).ShouldContain("href=\"/admin/organisation\"");

        foreach (var (form, message) in new[]
        {
            (Form("", "5", "Europe/London"), "Give the organisation a name"),
            (Form("Settings Org", "2", "Europe/London"), "The minimum group size is a whole number from 3 to 100."),
            (Form("Settings Org", "101", "Europe/London"), "The minimum group size is a whole number from 3 to 100."),
            (Form("Settings Org", "five", "Europe/London"), "The minimum group size is a whole number from 3 to 100."),
            (Form("Settings Org", "5", "Mars/Olympus_Mons"), "Choose a time zone from the list."),
            (Form("Settings Org", "8", "UTC", comments: "6"), "The minimum group size for comments cannot be below the minimum group size (8)."),
            (Form("Settings Org", "5", "UTC", comments: "101"), "The minimum group size for comments is a whole number from 3 to 100."),
            (Form("Settings Org", "5", "UTC", comments: "ten"), "The minimum group size for comments is a whole number from 3 to 100."),
            (Form("Settings Org", "5", "UTC", comments: ""), "The minimum group size for comments is a whole number from 3 to 100."),
            (Form(new string('x', Organisation.NameMaxLength + 1), "5", "UTC"), "Give the organisation a name"),
        })
        {
            var refused = await admin.PostFormAsync(Page, form);
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await refused.Content.ReadAsStringAsync()).ShouldContain(message);
        }
        var unchanged = await OrganisationAsync(factory, org.Id);
        (unchanged.Name, unchanged.MinimumGroupSize, unchanged.CommentMinimumGroupSize, unchanged.TimeZone).ShouldBe(("Settings Org", Organisation.DefaultMinimumGroupSize, 10, "UTC"));
        (await SettingsEventsAsync(factory, org.Id)).ShouldBe(0);

        (await factory.InScopeAsync(org.Id, s => Task.FromResult(s.GetRequiredService<OrganisationTime>().Label))).ShouldBe("UTC");
        var saved = await admin.PostFormAsync(Page, Form("  Settings Trust ", "8", "Europe/London", comments: "12"));
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await admin.GetStringAsync(saved.Headers.Location!.OriginalString)).ShouldContain("The settings were saved.");
        var changed = await OrganisationAsync(factory, org.Id);
        (changed.Name, changed.MinimumGroupSize, changed.CommentMinimumGroupSize, changed.TimeZone).ShouldBe(("Settings Trust", 8, 12, "Europe/London"));
        // The zone this process keeps is dropped on save: pages follow at once, not a minute later.
        (await factory.InScopeAsync(org.Id, s => Task.FromResult(s.GetRequiredService<OrganisationTime>().Label))).ShouldBe("London time");

        // Saving the same values again records nothing; each save names the settings it changed, not their values.
        (await admin.PostFormAsync(Page, Form("Settings Trust", "8", "Europe/London", comments: "12"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await admin.PostFormAsync(Page, Form("Settings Trust", "8", "America/New_York", comments: "12"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await admin.PostFormAsync(Page, Form("Settings Trust", "8", "America/New_York", comments: "8"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var details = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .Where(e => e.Action == AuditActions.OrganisationSettingsChanged).OrderBy(e => e.Sequence).Select(e => e.Detail).ToListAsync());
        details.ShouldBe(["changed=name,minimum-group-size,comment-minimum-group-size,time-zone", "changed=time-zone", "changed=comment-minimum-group-size"]);
        (await OrganisationAsync(factory, org.Id)).CommentMinimumGroupSize.ShouldBe(8, "the same as the minimum group size is allowed");

        var coordinator = await factory.SignInAsync(org[Roles.Coordinator]);
        (await coordinator.PostFormAsync(Page, Form("Taken Over", "3", "UTC"), tokenFrom: "/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await OrganisationAsync(factory, org.Id)).Name.ShouldBe("Settings Trust");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Migration_0031_gives_comments_a_minimum_of_ten_or_the_organisations_own_when_that_is_higher(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var usual = await factory.CreateOrganisationAsync("Usual Org");
        var strict = await factory.CreateOrganisationAsync("Strict Org");
        await using (var connection = SchemaSnapshot.Open(engine, factory.Database.Connection))
        {
            // As before 0031: no minimum for comments (the column at its default), and one organisation with a minimum of 12.
            await SchemaSnapshot.ExecuteAsync(connection, "UPDATE organisations SET \"MinimumGroupSize\" = 12, \"CommentMinimumGroupSize\" = 10 WHERE \"Name\" = 'Strict Org'");
            var sql = MigrationRunner.Load(factory.Database.Provider).Single(m => m.Version == 31).Sql;
            var update = sql[sql.IndexOf("UPDATE", StringComparison.Ordinal)..];
            await SchemaSnapshot.ExecuteAsync(connection, update[..(update.IndexOf(';', StringComparison.Ordinal) + 1)]);
        }
        (await OrganisationAsync(factory, usual.Id)).CommentMinimumGroupSize.ShouldBe(10);
        var upgraded = await OrganisationAsync(factory, strict.Id);
        (upgraded.MinimumGroupSize, upgraded.CommentMinimumGroupSize).ShouldBe((12, 12));
    }

    [Fact]
    public async Task Moments_are_shown_in_the_organisations_zone_and_wall_clock_times_the_clocks_skip_are_refused()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Zone Org");
        var summer = new DateTimeOffset(2031, 7, 1, 12, 0, 0, TimeSpan.Zero);
        var winter = new DateTimeOffset(2031, 12, 1, 12, 0, 0, TimeSpan.Zero);

        await factory.InScopeAsync(org.Id, services =>
        {
            var time = services.GetRequiredService<OrganisationTime>();
            time.When(summer).ShouldBe("1 July 2031, 12:00 UTC");
            time.Moment(new DateOnly(2031, 3, 30), new TimeOnly(1, 30)).ShouldBe(new DateTimeOffset(2031, 3, 30, 1, 30, 0, TimeSpan.Zero));
            return Task.CompletedTask;
        });
        await factory.InScopeAsync(org.Id, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            (await db.Organisations.SingleAsync(o => o.Id == org.Id)).SetTimeZone("Europe/London");
            await db.SaveChangesAsync();
        });
        // Another process's change arrives within the minute the zone is kept.
        factory.Clock.Advance(TimeSpan.FromMinutes(1));

        await factory.InScopeAsync(org.Id, services =>
        {
            var time = services.GetRequiredService<OrganisationTime>();
            time.When(summer).ShouldBe("1 July 2031, 13:00 London time");
            time.When(winter).ShouldBe("1 December 2031, 12:00 London time");
            // 01:30 on the last Sunday of March does not happen in London; on the last Sunday of October it happens twice.
            time.Moment(new DateOnly(2031, 3, 30), new TimeOnly(1, 30)).ShouldBeNull();
            time.Moment(new DateOnly(2031, 10, 26), new TimeOnly(1, 30)).ShouldBe(new DateTimeOffset(2031, 10, 26, 0, 30, 0, TimeSpan.Zero));
            time.Moment(new DateOnly(2031, 7, 1), new TimeOnly(13, 0)).ShouldBe(summer);
            return Task.CompletedTask;
        });
        OrganisationTime.Place("America/Argentina/Buenos_Aires").ShouldBe("Buenos Aires");
    }

    [Fact]
    public async Task The_cli_sets_the_zone_when_it_creates_an_organisation_and_refuses_an_unknown_one_before_creating_anything()
    {
        await using var database = TestDatabase.Create(Engine.Sqlite);
        var unknown = await Cli.RunAsync(database, "create-organisation", "--name", "Nowhere Trust", "--time-zone", "Mars/Olympus_Mons");
        unknown.ExitCode.ShouldBe(2);
        unknown.Error.ShouldContain("\"Mars/Olympus_Mons\" is not a time zone this server knows");

        var created = await Cli.RunAsync(database, "create-organisation", "--name", "Harbour Trust", "--time-zone", "Europe/Paris");
        created.ExitCode.ShouldBe(0, created.Error);
        created.Output.ShouldContain("time zone Europe/Paris");

        await using var factory = new UpstanderFactory(database: database);
        var organisations = await factory.InScopeAsync(null, s => s.GetRequiredService<AppDbContext>().Organisations.IgnoreQueryFilters().AsNoTracking().ToListAsync());
        organisations.ShouldHaveSingleItem().TimeZone.ShouldBe("Europe/Paris");
    }

    [Fact]
    public async Task A_day_starts_at_its_midnight_or_where_the_clocks_skip_midnight_at_the_moment_they_jump()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Day Start Org");
        // Santiago's clocks go from 00:00 to 01:00 on 7 September 2031: that day has no midnight.
        await AheadOfUtc.PlaceAsync(factory, org.Id, "America/Santiago");
        await factory.InScopeAsync(org.Id, services =>
        {
            var time = services.GetRequiredService<OrganisationTime>();
            time.Moment(new DateOnly(2031, 9, 7), TimeOnly.MinValue).ShouldBeNull();
            time.StartOf(new DateOnly(2031, 9, 7)).ShouldBe(new DateTimeOffset(2031, 9, 7, 4, 0, 0, TimeSpan.Zero));
            time.StartOf(new DateOnly(2031, 9, 8)).ShouldBe(new DateTimeOffset(2031, 9, 8, 3, 0, 0, TimeSpan.Zero));
            time.StartOf(new DateOnly(2031, 7, 1)).ShouldBe(new DateTimeOffset(2031, 7, 1, 4, 0, 0, TimeSpan.Zero));
            return Task.CompletedTask;
        });
    }
}
