using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

public sealed class TwoFactorTests : IAsyncLifetime
{
    private readonly UpstanderFactory _factory = new();
    private TestOrganisation _org = null!;

    public async Task InitializeAsync() => _org = await _factory.CreateOrganisationAsync("Two Factor Org");

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData(Roles.Coordinator, "/coordinate")]
    [InlineData(Roles.CaseManager, "/cases")]
    [InlineData(Roles.Admin, "/admin")]
    public async Task A_privileged_account_without_two_factor_is_sent_to_set_it_up_from_every_page_and_refused_by_the_api(string role, string area)
    {
        var client = await SignedInWithoutTwoFactorAsync(_org[role]);
        foreach (var path in new[] { "/", area, "/account", "/privacy" })
        {
            var response = await client.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
            response.Headers.Location!.OriginalString.ShouldBe(TwoFactorRequirement.RequiredSetupPath);
        }
        var api = await client.GetAsync("/api/v1/me");
        api.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await api.Content.ReadAsStringAsync()).ShouldContain("Two-factor authentication required");

        var setup = await client.GetAsync(TwoFactorRequirement.RequiredSetupPath);
        setup.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await setup.Content.ReadAsStringAsync();
        html.ShouldContain("Set it up now to continue");

        // Posted to the address the redirect gave, as the page's own form does: a wrong code is 400, the right one 200.
        var wrong = await client.PostFormAsync(TwoFactorRequirement.RequiredSetupPath, new() { ["Code"] = "123456" }, tokenFrom: TwoFactorRequirement.RequiredSetupPath);
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await wrong.Content.ReadAsStringAsync()).ShouldContain("That code did not work");
        (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var key = AccountsTestKit.AuthenticatorKey(await client.GetStringAsync(TwoFactorRequirement.SetupPath));
        var right = await client.PostFormAsync(TwoFactorRequirement.RequiredSetupPath, new() { ["Code"] = Totp.Code(key) }, tokenFrom: TwoFactorRequirement.RequiredSetupPath);
        right.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await right.Content.ReadAsStringAsync()).ShouldContain("Your recovery codes");
        (await client.GetAsync(area)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_qr_code_is_inline_svg_without_style_attributes_and_the_key_is_grouped_in_fours()
    {
        var svg = AuthenticatorQr.Svg(AuthenticatorQr.Uri("a@b.example", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), "QR code");
        svg.ShouldStartWith("<svg role=\"img\" aria-label=\"QR code\"");
        svg.ShouldNotContain("style", Case.Insensitive);
        AuthenticatorQr.GroupedKey("abcdefghijklmnopqrstuvwxyz").ShouldBe("ABCD EFGH IJKL MNOP QRST UVWX YZ");
        AuthenticatorQr.Uri("a@b.example", "KEY").ShouldBe("otpauth://totp/Upstander%3Aa%40b.example?secret=KEY&issuer=Upstander&digits=6");

        var client = await SignedInWithoutTwoFactorAsync(_org[Roles.Employee]);
        var page = await client.GetStringAsync(TwoFactorRequirement.SetupPath);
        page.ShouldContain("<svg role=\"img\"");
        page[page.IndexOf("<svg", StringComparison.Ordinal)..page.IndexOf("</svg>", StringComparison.Ordinal)].ShouldNotContain("style=");
    }

    [Fact]
    public async Task People_without_a_privileged_role_may_turn_two_factor_off_and_privileged_people_may_not()
    {
        var employee = await SignedInWithoutTwoFactorAsync(_org[Roles.Employee]);
        var key = AccountsTestKit.AuthenticatorKey(await employee.GetStringAsync(TwoFactorRequirement.SetupPath));
        await employee.PostFormAsync(TwoFactorRequirement.SetupPath, new() { ["Code"] = Totp.Code(key) });
        (await TwoFactorEnabledAsync(_org[Roles.Employee])).ShouldBeTrue();

        var off = await employee.PostFormAsync(TwoFactorRequirement.SetupPath + "?handler=Disable", new(), tokenFrom: TwoFactorRequirement.SetupPath);
        off.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await TwoFactorEnabledAsync(_org[Roles.Employee])).ShouldBeFalse();
        (await KeyAsync(_org[Roles.Employee])).ShouldNotBe(key, "the old app's key is forgotten");

        var admin = await _factory.SignInAsync(_org[Roles.Admin]);
        var refused = await admin.PostFormAsync(TwoFactorRequirement.SetupPath + "?handler=Disable", new(), tokenFrom: TwoFactorRequirement.SetupPath);
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("cannot be turned off");
        (await TwoFactorEnabledAsync(_org[Roles.Admin])).ShouldBeTrue();

        var actions = await _factory.InScopeAsync(_org.Id, services => services.GetRequiredService<AppDbContext>().AuditEvents.Select(e => e.Action).ToListAsync());
        actions.ShouldContain(AuditActions.TwoFactorEnabled);
        actions.ShouldContain(AuditActions.TwoFactorDisabled);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Authenticator_keys_and_recovery_codes_are_sealed_in_the_database(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Sealed Org");
        var admin = org[Roles.Admin];
        var rows = await factory.InScopeAsync(null, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            return await db.UserTokens.AsNoTracking().Where(t => t.UserId == admin.AccountId).ToListAsync();
        });
        var authenticator = rows.Single(r => r.Name == "AuthenticatorKey");
        authenticator.Value.ShouldNotBeNull();
        authenticator.Value.ShouldNotBe(admin.TotpKey);
        authenticator.Value.ShouldNotContain(admin.TotpKey!);

        var codes = await factory.InScopeAsync(null, async services =>
        {
            var users = services.GetRequiredService<UserManager<Upstander.Features.Accounts.Account>>();
            var account = (await users.FindByIdAsync(admin.AccountId.ToString()))!;
            (await users.GetAuthenticatorKeyAsync(account)).ShouldBe(admin.TotpKey, "the key still opens for Identity");
            return (await users.GenerateNewTwoFactorRecoveryCodesAsync(account, 10))!.ToList();
        });
        var stored = await factory.InScopeAsync(null, services =>
            services.GetRequiredService<AppDbContext>().UserTokens.AsNoTracking().SingleAsync(t => t.UserId == admin.AccountId && t.Name == "RecoveryCodes"));
        foreach (var code in codes)
        {
            stored.Value!.ShouldNotContain(code);
        }

        // A sealed key copied onto another account does not open there.
        var other = org[Roles.Coordinator];
        await factory.InScopeAsync(null, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var target = await db.UserTokens.SingleAsync(t => t.UserId == other.AccountId && t.Name == "AuthenticatorKey");
            target.Value = authenticator.Value;
            await db.SaveChangesAsync();
        });
        await Should.ThrowAsync<System.Security.Cryptography.CryptographicException>(() => factory.InScopeAsync(null, async services =>
        {
            var users = services.GetRequiredService<UserManager<Upstander.Features.Accounts.Account>>();
            return await users.GetAuthenticatorKeyAsync((await users.FindByIdAsync(other.AccountId.ToString()))!);
        }));

        // And signing in with the real key still works end to end.
        await factory.SignInAsync(admin);
    }

    /// <summary>Turns two-factor off behind the scenes, as for an account created before its role required it.</summary>
    private async Task<HttpClient> SignedInWithoutTwoFactorAsync(TestAccount account)
    {
        await _factory.InScopeAsync(null, async services =>
        {
            var users = services.GetRequiredService<UserManager<Upstander.Features.Accounts.Account>>();
            var user = (await users.FindByIdAsync(account.AccountId.ToString()))!;
            await users.SetTwoFactorEnabledAsync(user, false);
        });
        var client = _factory.Browser();
        var response = await client.PostFormAsync("/account/sign-in", new() { ["Email"] = account.Email, ["Password"] = UpstanderFactory.Password });
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    private Task<bool> TwoFactorEnabledAsync(TestAccount account) => _factory.InScopeAsync(null, async services =>
        (await services.GetRequiredService<UserManager<Upstander.Features.Accounts.Account>>().FindByIdAsync(account.AccountId.ToString()))!.TwoFactorEnabled);

    private Task<string?> KeyAsync(TestAccount account) => _factory.InScopeAsync(null, async services =>
    {
        var users = services.GetRequiredService<UserManager<Upstander.Features.Accounts.Account>>();
        return await users.GetAuthenticatorKeyAsync((await users.FindByIdAsync(account.AccountId.ToString()))!);
    });
}
