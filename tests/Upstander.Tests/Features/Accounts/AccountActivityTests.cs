using System.Net;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

/// <summary>
/// A person's account page lists the recent sign-ins to their account and changes to how it signs in, with who caused
/// each (never a name), so that without mail they still notice what was not them; nobody else's events show there.
/// </summary>
public sealed class AccountActivityTests
{
    [Fact]
    public async Task The_account_page_lists_its_own_sign_ins_failed_attempts_and_an_administrators_changes_and_nothing_of_others()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Activity Org");
        var employee = org[Roles.Employee];

        (await factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = employee.Email, ["Password"] = "not the password at all" }))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var admin = await factory.SignInAsync(org[Roles.Admin]);
        var page = $"/admin/people/{employee.PersonId:D}";
        (await admin.PostFormAsync(page + "?handler=Deactivate", new(), tokenFrom: page)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await admin.PostFormAsync(page + "?handler=Reactivate", new(), tokenFrom: page)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var session = await factory.SignInAsync(employee);

        var shown = WebUtility.HtmlDecode(await session.GetStringAsync("/account"));
        var rows = Rows(shown);
        rows[0].ShouldBe(("Signed in", "You (this account)"));
        rows.ShouldContain(("Account reactivated", "An administrator"));
        rows.ShouldContain(("Account deactivated", "An administrator"));
        rows.ShouldContain(("A sign-in failed: a wrong password, code or passkey", "Someone signing in"));
        rows.Count.ShouldBe(4, "the administrator's own sign-in is theirs, not this account's");

        // The administrator's page lists the administrator's sign-in, not the employee's events.
        var theirs = Rows(WebUtility.HtmlDecode(await admin.GetStringAsync("/account")));
        theirs.ShouldBe([("Signed in", "You (this account)")]);
    }

    /// <summary>The (what, by) cells of the activity table, newest first.</summary>
    private static List<(string What, string By)> Rows(string html)
    {
        var table = html[html.IndexOf("id=\"activity-heading\"", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("</table>", StringComparison.Ordinal)];
        return [.. System.Text.RegularExpressions.Regex.Matches(table, @"<tr>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>\s*</tr>")
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value))];
    }
}
