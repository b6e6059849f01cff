using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Site;

/// <summary>
/// An installation set up from the command line before anyone opens a browser, as an operator would:
/// create-organisation, then create-admin (whose one-time invitation link is kept for the administrator),
/// then import-people with a small directory of people to invite. It sends mail to a mail server on loopback
/// (<see cref="Mail"/>), so invitations arrive by email.
/// </summary>
public sealed partial class OrganisationSite() : UpstanderSite(demo: false)
{
    public const string OrganisationName = "Riverside Libraries";
    public const string AdminName = "Morgan Ellis";
    public const string AdminEmail = "morgan.ellis@riverside.example";
    public const string AdminPassword = "lantern orchard velvet compass";

    /// <summary>The people import-people puts in the directory, under the administrator (RL-0001).</summary>
    public const string StartingDirectory =
        "name,work email,employee id,department,team,manager employee id,start date\n" +
        "Priya Raman,priya.raman@riverside.example,RL-0002,Community Programmes,Outreach,RL-0001,2021-09-01\n" +
        "Tomás Ortega,tomas.ortega@riverside.example,RL-0003,Community Programmes,Outreach,RL-0002,2022-02-14\n" +
        "Grace Liu,grace.liu@riverside.example,RL-0004,Branch Services,Central,RL-0001,2020-06-29\n";

    private readonly Lock _onboarding = new();

    /// <summary>The mail server the site delivers to; tests read invitations from it as the invited person would.</summary>
    public Upstander.Tests.TestHost.SmtpSink Mail { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => Mail.Settings();

    protected override ValueTask StopExtrasAsync() => Mail.DisposeAsync();

    private Task<Administrator>? _administrator;
    private string? _adminInvitation;

    /// <summary>The link create-admin printed for the administrator: valid once, for 7 days.</summary>
    public string AdminInvitation => _adminInvitation ?? throw new InvalidOperationException("The site has not started.");

    protected override async Task PrepareAsync(UpstanderCli cli)
    {
        var created = await cli.RunAsync("create-organisation", "--name", OrganisationName);
        var organisationId = CreatedOrganisation().Match(created).Groups["id"].Value;
        organisationId.ShouldNotBeEmpty($"create-organisation printed no id. It printed:\n{created}");

        var admin = await cli.RunAsync("create-admin", "--organisation", organisationId,
            "--name", AdminName, "--email", AdminEmail, "--employee-id", "RL-0001");
        var link = InvitationLink().Match(admin);
        link.Success.ShouldBeTrue($"create-admin printed no invitation link. It printed:\n{admin}");
        _adminInvitation = link.Value;

        var directory = Path.Combine(cli.Folder, "starting-directory.csv");
        await File.WriteAllTextAsync(directory, StartingDirectory);
        var imported = await cli.RunAsync("import-people", "--organisation", organisationId, "--file", directory);
        imported.ShouldContain("Imported: created 3, updated 0, skipped 0.");
        File.Delete(directory);
    }

    /// <summary>
    /// The administrator, ready to sign in: the first call follows their printed invitation link in a
    /// browser of its own, chooses the password and sets up two-factor (checking each page with axe).
    /// </summary>
    public Task<Administrator> AdministratorAsync()
    {
        lock (_onboarding)
        {
            return _administrator ??= OnboardAdministratorAsync();
        }
    }

    /// <summary>A new browser window in which the administrator has signed in (password and a code from the app), on <paramref name="path"/>.</summary>
    public async Task<IPage> SignedInAdministratorAsync(string path = "/", bool javaScript = true)
    {
        var admin = await AdministratorAsync();
        var page = await NewPageAsync(javaScript);
        await page.SignInWithTwoFactorAsync(admin.Email, admin.Password, admin.AuthenticatorKey, path);
        return page;
    }

    private async Task<Administrator> OnboardAdministratorAsync()
    {
        var page = await NewPageAsync();
        await page.OpenInvitationAsync(AdminInvitation, AdminName);
        await page.ChoosePasswordAsync(AdminPassword);
        var key = await page.TurnOnTwoFactorAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Hello, Morgan", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
        await page.Context.CloseAsync();
        return new Administrator(AdminEmail, AdminPassword, key);
    }

    [GeneratedRegex("with id (?<id>[0-9a-fA-F-]{36})")]
    private static partial Regex CreatedOrganisation();

    [GeneratedRegex(@"^http://\S+/account/invitation\?token=\S+$", RegexOptions.Multiline)]
    private static partial Regex InvitationLink();
}

/// <summary>An administrator who has set up their account: what they type to sign in, and their authenticator key.</summary>
public sealed record Administrator(string Email, string Password, string AuthenticatorKey);
