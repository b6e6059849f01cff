using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.Features.Accounts;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.People.ImportFiles;

namespace Upstander.Tests.Features.People;

/// <summary>A person's account follows their work email, from the edit form, the API and a re-import; another account's address is refused.</summary>
public sealed class WorkEmailAccountTests
{
    private const string NewPassword = "lantern orchard pebble violin";

    private static Task<Account> AccountAsync(UpstanderFactory factory, Guid accountId) =>
        factory.InScopeAsync(null, s => s.GetRequiredService<AppDbContext>().Users.AsNoTracking().SingleAsync(a => a.Id == accountId));

    private static Task<Account?> AccountByEmailAsync(UpstanderFactory factory, string email) =>
        factory.InScopeAsync(null, s => s.GetRequiredService<UserManager<Account>>().FindByEmailAsync(email));

    private static async Task<Person> PersonAsync(UpstanderFactory factory, TestOrganisation org, Guid personId) =>
        (await factory.PeopleAsync(org.Id)).Single(p => p.Id == personId);

    private static Dictionary<string, string> Form(Person p, string workEmail) => new()
    {
        ["Input.Name"] = p.Name,
        ["Input.WorkEmail"] = workEmail,
        ["Input.EmployeeId"] = p.EmployeeId,
        ["Input.Department"] = "Operations",
        ["Input.Team"] = p.Team ?? "",
        ["Input.ManagerEmployeeId"] = "",
        ["Input.Location"] = p.Location ?? "",
        ["Input.PreferredLanguage"] = p.PreferredLanguage ?? "",
        ["Input.StartDate"] = "",
        ["Input.LeaveDate"] = "",
    };

    /// <summary>Two organisations, the first one's admin signed in, and its employee, who has an account, with their directory entry.</summary>
    private static async Task<(TestOrganisation Org, TestOrganisation Other, HttpClient Admin, TestAccount Employee, Person Person)> SceneAsync(
        UpstanderFactory factory, string name)
    {
        var org = await factory.CreateOrganisationAsync(name);
        var other = await factory.CreateOrganisationAsync("Elsewhere Org");
        var employee = org[Roles.Employee];
        return (org, other, await factory.SignInAsync(org[Roles.Admin]), employee, await PersonAsync(factory, org, employee.PersonId));
    }

    /// <summary>Signs in through the page: true when it lets the person in.</summary>
    private static async Task<bool> SignsInAsync(UpstanderFactory factory, string email)
    {
        var response = await factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = email, ["Password"] = UpstanderFactory.Password });
        return response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString == "/";
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_new_work_email_from_the_edit_form_moves_the_account_and_frees_the_old_address(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var (org, other, admin, employee, person) = await SceneAsync(factory, "Moving Org");
        var page = $"/admin/people/{employee.PersonId}";

        // A free address: the account moves with the person, in the same save.
        const string moved = "Emma.Moved@moving.example";
        var saved = await admin.PostFormAsync(page + "?handler=Details", Form(person, moved), tokenFrom: page);
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect, PageText.Of(await saved.Content.ReadAsStringAsync()));
        (await PersonAsync(factory, org, employee.PersonId)).WorkEmail.ShouldBe(moved);
        var account = await AccountAsync(factory, employee.AccountId);
        (account.UserName, account.NormalizedUserName, account.Email, account.NormalizedEmail)
            .ShouldBe((moved, "EMMA.MOVED@MOVING.EXAMPLE", moved, "EMMA.MOVED@MOVING.EXAMPLE"));
        (await factory.AuditAsync(org.Id, AuditActions.PersonUpdated)).Last().Detail.ShouldBe("fields=work_email+department");

        // The person signs in with their current address, "forgot password" finds them by it, and the old one is nobody's.
        (await SignsInAsync(factory, moved)).ShouldBeTrue("the current work email signs in");
        (await SignsInAsync(factory, employee.Email)).ShouldBeFalse("the old address has no account now");
        (await AccountByEmailAsync(factory, moved))!.Id.ShouldBe(employee.AccountId);
        (await AccountByEmailAsync(factory, employee.Email)).ShouldBeNull();

        // So the old address can be given to someone new, in another organisation, who accepts their invitation.
        var otherAdmin = await factory.SignInForApiAsync(other[Roles.Admin]);
        var newcomer = await factory.AddPersonAsync(other.Id, "Nina Newcomer", employee.Email);
        var link = await otherAdmin.InviteAsync(newcomer);
        var accepted = await factory.Browser().AcceptWithPasswordAsync(link, NewPassword);
        accepted.StatusCode.ShouldBe(HttpStatusCode.Redirect, PageText.Of(await accepted.Content.ReadAsStringAsync()));
        accepted.Headers.Location!.OriginalString.ShouldBe("/");

        // An address another organisation's account holds is refused, and nothing changes.
        person = await PersonAsync(factory, org, employee.PersonId);
        var taken = await admin.PostFormAsync(page + "?handler=Details", Form(person, other[Roles.Leader].Email.ToUpperInvariant()), tokenFrom: page);
        taken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        PageText.Of(await taken.Content.ReadAsStringAsync()).ShouldContain("Work email is already in use by another account.");
        (await PersonAsync(factory, org, employee.PersonId)).UpdatedAt.ShouldBe(person.UpdatedAt);
        (await AccountAsync(factory, employee.AccountId)).Email.ShouldBe(moved);

        // The API says the same.
        var put = await admin.ApiSendAsync(HttpMethod.Put, $"/api/v1/people/{employee.PersonId}",
            new PersonEditRequest(person.Name, other[Roles.Leader].Email, person.EmployeeId, null, null, null, null, "en", null, null));
        put.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await put.Content.ReadAsStringAsync()).ShouldContain(AccountEmails.InUseMessage);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_reimport_moves_the_account_with_the_work_email_and_refuses_another_accounts_address(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var (org, other, admin, employee, person) = await SceneAsync(factory, "Import Org");

        const string moved = "emma.imported@import.example";
        var response = await admin.ApiImportAsync(Csv(Row(person.EmployeeId, email: moved)), "all");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var account = await AccountAsync(factory, employee.AccountId);
        (account.UserName, account.NormalizedUserName, account.Email, account.NormalizedEmail)
            .ShouldBe((moved, "EMMA.IMPORTED@IMPORT.EXAMPLE", moved, "EMMA.IMPORTED@IMPORT.EXAMPLE"));
        (await SignsInAsync(factory, moved)).ShouldBeTrue("the current work email signs in");
        (await SignsInAsync(factory, employee.Email)).ShouldBeFalse("the old address has no account now");

        // Another organisation's account's address: a row error, and nothing of the file is imported.
        var refused = await admin.ApiImportAsync(Csv(Row("N1"), Row(person.EmployeeId, email: other[Roles.Leader].Email)), "all");
        refused.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var report = (await refused.Content.ReadFromJsonAsync<ImportReportView>())!;
        report.Problems.Select(p => (p.Row, p.Column, p.Message)).ShouldBe([(3, "work_email", AccountEmails.InUseMessage)]);
        (await factory.PeopleAsync(org.Id)).ShouldNotContain(p => p.EmployeeId == "N1");
        (await AccountAsync(factory, employee.AccountId)).Email.ShouldBe(moved);

        // A new person may not take an account's address either; a row that keeps the person's own is fine.
        var newcomer = await admin.ApiImportAsync(Csv(Row("N2", email: other[Roles.Admin].Email), Row(person.EmployeeId, email: moved)), "validate");
        (await newcomer.Content.ReadFromJsonAsync<ImportReportView>())!.Problems.Select(p => (p.Row, p.Column, p.Message))
            .ShouldBe([(2, "work_email", AccountEmails.InUseMessage)]);
    }

    [Fact]
    public async Task A_reimport_checks_accounts_only_for_addresses_it_gives_so_an_unchanged_row_is_never_refused()
    {
        await using var factory = new UpstanderFactory();
        var (org, other, admin, _, _) = await SceneAsync(factory, "Unchanged Org");
        // Someone in the directory, without an account, whose address an account in another organisation holds (it was
        // made there later): their row, as it is, goes on being imported, as the edit page saves them unless the address changes.
        var shared = other[Roles.Leader].Email;
        var personId = await factory.AddPersonAsync(org.Id, "Sam Shared", shared);
        var kept = await PersonAsync(factory, org, personId);
        var unchanged = await admin.ApiImportAsync(Csv(Row(kept.EmployeeId, email: shared.ToUpperInvariant(), name: "Sam Renamed"), Row("N3")), "all");
        unchanged.StatusCode.ShouldBe(HttpStatusCode.OK, await unchanged.Content.ReadAsStringAsync());
        (await PersonAsync(factory, org, personId)).Name.ShouldBe("Sam Renamed");
        (await factory.PeopleAsync(org.Id)).ShouldContain(p => p.EmployeeId == "N3");

        // Giving the same address to anyone else is still refused.
        var taken = await admin.ApiImportAsync(Csv(Row("N4", email: other[Roles.Employee].Email)), "validate");
        (await taken.Content.ReadFromJsonAsync<ImportReportView>())!.Problems.Select(p => (p.Row, p.Column, p.Message))
            .ShouldBe([(2, "work_email", AccountEmails.InUseMessage)]);
    }
}
