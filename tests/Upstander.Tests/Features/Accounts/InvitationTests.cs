using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

public sealed partial class InvitationTests : IAsyncLifetime
{
    private static readonly string[] UnknownRoles = ["Overlord"];
    private readonly UpstanderFactory _factory = new();
    private TestOrganisation _org = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _org = await _factory.CreateOrganisationAsync("Invite Org");
        _admin = await _factory.SignInForApiAsync(_org[Roles.Admin]);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_coordinator_accepts_with_a_password_and_must_set_up_two_factor_before_anything_else()
    {
        var personId = await _factory.AddPersonAsync(_org.Id, "Cora Ordinator", "cora@invite.example");
        var link = await _admin.InviteAsync(personId, Roles.Coordinator);

        var browser = _factory.Browser();
        var landing = await browser.GetAsync(AccountsTestKit.PathOf(link));
        landing.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await landing.Content.ReadAsStringAsync()).ShouldContain("Welcome, Cora Ordinator");

        var accepted = await browser.AcceptWithPasswordAsync(link, "lantern orchard pebble violin");
        accepted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        accepted.Headers.Location!.OriginalString.ShouldBe(TwoFactorRequirement.RequiredSetupPath);
        var setupUrl = accepted.Headers.Location!.OriginalString;

        // Signed in, but every page sends them back to the set-up and the API refuses them.
        foreach (var path in new[] { "/", "/coordinate", "/account" })
        {
            var page = await browser.GetAsync(path);
            page.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
            page.Headers.Location!.OriginalString.ShouldStartWith(TwoFactorRequirement.SetupPath);
        }
        (await browser.GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var setup = await browser.GetStringAsync(setupUrl);
        setup.ShouldContain("<svg");
        var key = AccountsTestKit.AuthenticatorKey(setup);
        // Posted where the redirect left them, as the page's own form does (it posts to its own address).
        var enabled = await browser.PostFormAsync(setupUrl, new() { ["Code"] = Totp.Code(key) });
        enabled.StatusCode.ShouldBe(HttpStatusCode.OK);
        var codes = RecoveryCodeRegex().Matches(await enabled.Content.ReadAsStringAsync());
        codes.Count.ShouldBe(10);

        (await browser.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await browser.GetAsync("/coordinate")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var me = await browser.GetFromJsonAsync<MeView>("/api/v1/me");
        me!.PersonId.ShouldBe(personId);
        me.Roles.ShouldBe([Roles.Employee, Roles.Coordinator], ignoreOrder: true);

        var actions = await AuditActionsAsync();
        actions.ShouldContain(AuditActions.InvitationCreated);
        actions.ShouldContain(AuditActions.InvitationAccepted);
        actions.ShouldContain(AuditActions.TwoFactorEnabled);

        // Nothing secret reached the logs: not the link's token, the password, the key or a recovery code.
        var logs = _factory.Logs.All;
        logs.ShouldNotContain(AccountsTestKit.TokenOf(link));
        logs.ShouldNotContain("lantern orchard pebble violin");
        logs.ShouldNotContain(key.Replace(" ", "", StringComparison.Ordinal));
        logs.ShouldNotContain(codes[0].Groups[1].Value);
    }

    [Fact]
    public async Task The_new_invitation_page_finds_people_without_an_account()
    {
        await _factory.AddPersonAsync(_org.Id, "Sami Searchable", "sami@invite.example");
        var page = await _admin.GetStringAsync("/admin/invitations/new?q=searchable");
        page.ShouldContain("Sami Searchable");
        (await _admin.GetStringAsync("/admin/invitations/new?q=leader")).ShouldNotContain(_org[Roles.Leader].Email);
        (await _admin.GetAsync($"/admin/invitations/new?person={Guid.NewGuid()}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_employee_accepts_and_lands_on_their_home_page_and_can_sign_in_again()
    {
        var personId = await _factory.AddPersonAsync(_org.Id, "Emma Ployee", "emma@invite.example");
        var link = await _admin.InviteAsync(personId);
        var accepted = await _factory.Browser().AcceptWithPasswordAsync(link, "lantern orchard pebble violin");
        accepted.Headers.Location!.OriginalString.ShouldBe("/");

        var again = _factory.Browser();
        var signIn = await again.PostFormAsync("/account/sign-in", new() { ["Email"] = "emma@invite.example", ["Password"] = "lantern orchard pebble violin" });
        signIn.Headers.Location!.OriginalString.ShouldBe("/");
        (await again.GetStringAsync("/")).ShouldContain("Your support and reports");
    }

    [Theory]
    [InlineData("o'brien@invite.example")]
    [InlineData("zoë.núñez@invite.example")]
    public async Task Every_address_the_directory_takes_can_accept_an_invitation_and_sign_in(string email)
    {
        Upstander.Features.People.PersonRules.IsEmail(email).ShouldBeTrue("the directory takes it");
        var personId = await _factory.AddPersonAsync(_org.Id, "Addie Apostrophe", email);
        var link = await _admin.InviteAsync(personId);
        var accepted = await _factory.Browser().AcceptWithPasswordAsync(link, "lantern orchard pebble violin");
        accepted.StatusCode.ShouldBe(HttpStatusCode.Redirect, await accepted.Content.ReadAsStringAsync());
        accepted.Headers.Location!.OriginalString.ShouldBe("/");

        var signIn = await _factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = email.ToUpperInvariant(), ["Password"] = "lantern orchard pebble violin" });
        signIn.Headers.Location!.OriginalString.ShouldBe("/");
    }

    [Fact]
    public async Task A_used_link_is_refused_calmly_and_creates_nothing_more()
    {
        var personId = await _factory.AddPersonAsync(_org.Id, "Una Used", "una@invite.example");
        var link = await _admin.InviteAsync(personId);
        (await _factory.Browser().AcceptWithPasswordAsync(link, "lantern orchard pebble violin")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var second = _factory.Browser();
        var page = await second.GetAsync(AccountsTestKit.PathOf(link));
        page.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await page.Content.ReadAsStringAsync()).ShouldContain("already been used");
        (await AccountCountAsync(personId)).ShouldBe(1);
    }

    [Fact]
    public async Task An_expired_link_is_refused()
    {
        var personId = await _factory.AddPersonAsync(_org.Id, "Ezra Expired", "ezra@invite.example");
        var link = await _admin.InviteAsync(personId);
        _factory.Clock.Advance(Invitation.Lifetime + TimeSpan.FromMinutes(1));

        var browser = _factory.Browser();
        var page = await browser.GetAsync(AccountsTestKit.PathOf(link));
        page.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await page.Content.ReadAsStringAsync()).ShouldContain("It has expired");
        (await AccountCountAsync(personId)).ShouldBe(0);
    }

    [Fact]
    public async Task A_withdrawn_link_is_refused_and_the_person_can_be_invited_again()
    {
        var personId = await _factory.AddPersonAsync(_org.Id, "Rhea Revoked", "rhea@invite.example");
        var created = await _admin.PostAsJsonAsync("/api/v1/invitations", new { personId, roles = Array.Empty<string>() });
        var invitation = (await created.Content.ReadFromJsonAsync<InvitationCreatedView>())!;

        (await _admin.DeleteAsync($"/api/v1/invitations/{invitation.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var browser = _factory.Browser();
        var refused = await browser.GetAsync(AccountsTestKit.PathOf(invitation.Link));
        refused.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("withdrawn");
        // Posting a password with the withdrawn link does nothing either.
        var antiforgery = await browser.AntiforgeryTokenAsync("/account/sign-in");
        var post = await browser.PostAsync(AccountsTestKit.PathOf(invitation.Link), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Password"] = "lantern orchard pebble violin",
            ["ConfirmPassword"] = "lantern orchard pebble violin",
            ["__RequestVerificationToken"] = antiforgery,
        }));
        post.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await AccountCountAsync(personId)).ShouldBe(0);
        (await AuditActionsAsync()).ShouldContain(AuditActions.InvitationRevoked);

        await _admin.InviteAsync(personId);
    }

    [Theory]
    [InlineData("inv_short")]
    [InlineData("inv_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("upt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_malformed_or_unknown_link_is_not_found(string token)
    {
        var page = await _factory.Browser().GetAsync("/account/invitation?token=" + Uri.EscapeDataString(token));
        page.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await page.Content.ReadAsStringAsync()).ShouldContain("not a link we recognise");
    }

    [Fact]
    public async Task A_weak_password_is_refused_with_a_clear_message_and_no_account_is_created()
    {
        var personId = await _factory.AddPersonAsync(_org.Id, "Wes Weak", "wes@invite.example");
        var link = await _admin.InviteAsync(personId);
        var browser = _factory.Browser();

        // Not accepted is never a 200: the page is shown again with the reason, answered 400.
        var tooShort = await browser.AcceptWithPasswordAsync(link, "short1");
        tooShort.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await tooShort.Content.ReadAsStringAsync()).ShouldContain("This password is too short");

        var repetitive = await browser.AcceptWithPasswordAsync(link, "aaaaaaaaaaaaaaaa");
        repetitive.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await repetitive.Content.ReadAsStringAsync()).ShouldContain("repeats the same few characters");

        var mismatch = await browser.AcceptWithPasswordAsync(link, "lantern orchard pebble violin", "lantern orchard pebble viola");
        mismatch.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await mismatch.Content.ReadAsStringAsync()).ShouldContain("The two passwords are not the same");

        (await AccountCountAsync(personId)).ShouldBe(0);
        (await _factory.Browser().GetAsync(AccountsTestKit.PathOf(link))).StatusCode.ShouldBe(HttpStatusCode.OK, "the link still works after a refused password");
    }

    [Fact]
    public async Task Someone_with_an_account_or_a_waiting_invitation_cannot_be_invited()
    {
        var api = await _admin.PostAsJsonAsync("/api/v1/invitations", new { personId = _org[Roles.Leader].PersonId, roles = Array.Empty<string>() });
        api.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await api.Content.ReadAsStringAsync()).ShouldContain("already has an account");

        var page = await _admin.PostFormAsync($"/admin/invitations/new?person={_org[Roles.Leader].PersonId}", new() { ["person"] = _org[Roles.Leader].PersonId.ToString() });
        page.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await page.Content.ReadAsStringAsync()).ShouldContain("already has an account");

        var personId = await _factory.AddPersonAsync(_org.Id, "Paula Pending", "paula@invite.example");
        await _admin.InviteAsync(personId);
        var twice = await _admin.PostFormAsync($"/admin/invitations/new?person={personId}", new() { ["person"] = personId.ToString() });
        twice.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await twice.Content.ReadAsStringAsync()).ShouldContain("already has an invitation waiting");

        var unknownRole = await _admin.PostAsJsonAsync("/api/v1/invitations", new { personId = Guid.NewGuid(), roles = UnknownRoles });
        unknownRole.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var stranger = await _admin.PostAsJsonAsync("/api/v1/invitations", new { personId = Guid.NewGuid(), roles = Array.Empty<string>() });
        stranger.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_admin_page_shows_the_link_once_and_the_list_shows_its_status()
    {
        var personId = await _factory.AddPersonAsync(_org.Id, "Paige Link", "paige@invite.example");
        var form = await _admin.GetStringAsync($"/admin/invitations/new?person={personId}");
        form.ShouldContain("Paige Link");

        var created = await _admin.PostFormAsync($"/admin/invitations/new?person={personId}",
            new() { ["person"] = personId.ToString(), ["SelectedRoles"] = Roles.PeerSupporter });
        created.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await created.Content.ReadAsStringAsync();
        html.ShouldContain("does not send email");
        var link = WebUtility.HtmlDecode(LinkRegex().Match(html).Groups[1].Value);
        link.ShouldStartWith("http://localhost/account/invitation?token=inv_");

        var list = await _admin.GetStringAsync("/admin/invitations");
        list.ShouldContain("Paige Link");
        list.ShouldContain("data-status=\"Pending\"");
        list.ShouldNotContain(AccountsTestKit.TokenOf(link));

        // Only the hash is stored.
        var stored = await _factory.InScopeAsync(_org.Id, services => services.GetRequiredService<AppDbContext>().Invitations.SingleAsync(i => i.PersonId == personId));
        stored.TokenHash.ShouldBe(SecretToken.Hash(AccountsTestKit.TokenOf(link)));
        stored.RoleList.ShouldBe([Roles.PeerSupporter, Roles.Employee], ignoreOrder: true);
    }

    [Fact]
    public async Task Inviting_everyone_shows_each_link_once_with_a_csv_and_skips_people_already_covered()
    {
        await _factory.AddPersonAsync(_org.Id, "Ann Alpha", "ann@invite.example");
        await _factory.AddPersonAsync(_org.Id, "=Bob Formula", "bob@invite.example");
        await _factory.AddPersonAsync(_org.Id, "Len Left", "len@invite.example", leaveDate: new DateOnly(2020, 1, 1));
        var pending = await _factory.AddPersonAsync(_org.Id, "Pia Pending", "pia@invite.example");
        await _admin.InviteAsync(pending);

        (await _admin.GetStringAsync("/admin/invitations/everyone")).ShouldContain("2 people in the directory");
        var response = await _admin.PostFormAsync("/admin/invitations/everyone", new());
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();

        var csvUri = WebUtility.HtmlDecode(CsvRegex().Match(html).Groups[1].Value);
        var csv = Encoding.UTF8.GetString(Convert.FromBase64String(csvUri.Split(',')[1]));
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("name,email,link");
        lines.Length.ShouldBe(3);
        lines.ShouldContain(l => l.StartsWith("\"Ann Alpha\",\"ann@invite.example\",\"http://localhost/account/invitation?token=inv_", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("\"'=Bob Formula\"", StringComparison.Ordinal), "a formula-looking name is defused");
        csv.ShouldNotContain("Len Left");
        csv.ShouldNotContain("Pia Pending");

        // Each link works, and a second run finds nobody left.
        var bobLink = lines.Single(l => l.Contains("bob@", StringComparison.Ordinal)).Split(',')[2].Trim('"');
        (await _factory.Browser().GetAsync(AccountsTestKit.PathOf(bobLink))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _admin.GetStringAsync("/admin/invitations/everyone")).ShouldContain("already has an account or a waiting invitation");
    }

    /// <summary>
    /// The rate limiter counts submissions, and one "invite everyone" issues many: the hour's budget is counted from the
    /// invitations the administrator issued, single ones included, so bulk keeps to the hourly limit too.
    /// </summary>
    [Fact]
    public async Task Inviting_everyone_keeps_to_the_hourly_invitation_limit_of_the_administrator()
    {
        await using var factory = new UpstanderFactory(settings: new Dictionary<string, string?> { ["RateLimits:InvitationsPerHour"] = "4" });
        var org = await factory.CreateOrganisationAsync("Bulk Org");
        var people = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            people.Add(await factory.AddPersonAsync(org.Id, "Person " + i, $"person{i}@bulk.example"));
        }
        var admin = await factory.SignInForApiAsync(org[Roles.Admin]);
        await admin.InviteAsync(people[0]);
        Task<int> CountAsync() => factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Invitations.CountAsync());

        (await admin.PostFormAsync("/admin/invitations/everyone", new())).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await CountAsync()).ShouldBe(4, "one single invitation and three in bulk: the hour's four");
        var refused = await admin.PostFormAsync("/admin/invitations/everyone", new());
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("You have issued 4 invitations in the last hour");
        (await CountAsync()).ShouldBe(4, "nothing was created");

        factory.Clock.Advance(TimeSpan.FromMinutes(61));
        admin = await factory.SignInForApiAsync(org[Roles.Admin]);
        (await admin.PostFormAsync("/admin/invitations/everyone", new())).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await CountAsync()).ShouldBe(6, "in the next hour, the two people left");
    }

    [Fact]
    public async Task Only_admins_manage_invitations()
    {
        var leader = await _factory.SignInForApiAsync(_org[Roles.Leader]);
        var personId = await _factory.AddPersonAsync(_org.Id, "Nia Nope", "nia@invite.example");
        (await leader.PostAsJsonAsync("/api/v1/invitations", new { personId, roles = new[] { Roles.Admin } })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await leader.GetAsync("/admin/invitations")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await _factory.Browser().GetAsync("/api/v1/invitations")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_invitation_from_another_organisation_cannot_be_withdrawn_or_seen()
    {
        var other = await _factory.CreateOrganisationAsync("Elsewhere Org");
        var otherAdmin = await _factory.SignInForApiAsync(other[Roles.Admin]);
        var personId = await _factory.AddPersonAsync(other.Id, "Olga Other", "olga@elsewhere.example");
        var created = await otherAdmin.PostAsJsonAsync("/api/v1/invitations", new { personId, roles = Array.Empty<string>() });
        var invitation = (await created.Content.ReadFromJsonAsync<InvitationCreatedView>())!;

        (await _admin.DeleteAsync($"/api/v1/invitations/{invitation.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _admin.PostAsJsonAsync("/api/v1/invitations", new { personId, roles = Array.Empty<string>() })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _admin.GetStringAsync("/api/v1/invitations")).ShouldNotContain(invitation.Id.ToString());
        (await _factory.Browser().GetAsync(AccountsTestKit.PathOf(invitation.Link))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private Task<int> AccountCountAsync(Guid personId) =>
        _factory.InScopeAsync(null, services => services.GetRequiredService<UserManager<Upstander.Features.Accounts.Account>>().Users.CountAsync(a => a.PersonId == personId));

    private Task<List<string>> AuditActionsAsync() =>
        _factory.InScopeAsync(_org.Id, services => services.GetRequiredService<AppDbContext>().AuditEvents.Select(e => e.Action).ToListAsync());

    [GeneratedRegex("<li><code>([A-Z0-9-]+)</code></li>")]
    private static partial Regex RecoveryCodeRegex();

    [GeneratedRegex("id=\"invitation-link\" class=\"secret\" value=\"([^\"]+)\"")]
    private static partial Regex LinkRegex();

    [GeneratedRegex("href=\"(data:text/csv[^\"]+)\"")]
    private static partial Regex CsvRegex();
}
