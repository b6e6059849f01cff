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
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.People.ImportFiles;

namespace Upstander.Tests.Features.People;

public sealed class AdminPeopleTests : IAsyncLifetime
{
    private readonly UpstanderFactory _factory = new();
    private TestOrganisation _org = null!;
    private TestOrganisation _other = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _org = await _factory.CreateOrganisationAsync("Directory Org");
        _other = await _factory.CreateOrganisationAsync("Other Org");
        _admin = await _factory.SignInAsync(_org[Roles.Admin]);
        // A small line: H1 manages H2, who manages H3 and H4.
        var report = await _admin.UploadReadableAsync(Csv(Row("H1", department: "Board"), Row("H2", manager: "H1"), Row("H3", manager: "H2", name: "Harriet Quimby"), Row("H4", manager: "H2")));
        await _admin.ImportAsync(_factory, _org.Id, report, "all");
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<Person> PersonAsync(string employeeId) => (await _factory.PeopleAsync(_org.Id)).Single(p => p.EmployeeId == employeeId);

    private static Dictionary<string, string> Form(Person p, string? manager, Action<Dictionary<string, string>>? change = null)
    {
        var form = new Dictionary<string, string>
        {
            ["Input.Name"] = p.Name,
            ["Input.WorkEmail"] = p.WorkEmail,
            ["Input.EmployeeId"] = p.EmployeeId,
            ["Input.Department"] = "Operations",
            ["Input.Team"] = p.Team ?? "",
            ["Input.ManagerEmployeeId"] = manager ?? "",
            ["Input.Location"] = p.Location ?? "",
            ["Input.PreferredLanguage"] = p.PreferredLanguage ?? "",
            ["Input.StartDate"] = "2020-01-01",
            ["Input.LeaveDate"] = "",
        };
        change?.Invoke(form);
        return form;
    }

    [Fact]
    public async Task The_directory_searches_by_name_email_or_employee_id_and_filters_by_department()
    {
        PageText.Of(await _admin.GetStringAsync("/admin/people?q=quimby")).ShouldContain("1 person found.");
        PageText.Of(await _admin.GetStringAsync("/admin/people?q=h3@example")).ShouldContain("Harriet Quimby");
        PageText.Of(await _admin.GetStringAsync("/admin/people?q=H4")).ShouldContain("Person H4");
        var other = PageText.Of(await _admin.GetStringAsync("/admin/people?q=Other"));
        other.ShouldContain("0 people found.", customMessage: "another organisation's people are never listed");

        var board = await _factory.InScopeAsync(_org.Id, s => s.GetRequiredService<AppDbContext>().Departments.SingleAsync(d => d.Name == "Board"));
        var filtered = PageText.Of(await _admin.GetStringAsync($"/admin/people?department={board.Id}"));
        filtered.ShouldContain("1 person found.");
        filtered.ShouldContain("Person H1");
    }

    [Fact]
    public async Task Editing_details_checks_the_rules_refuses_a_cycle_and_audits_which_fields_changed()
    {
        var h1 = await PersonAsync("H1");
        var page = $"/admin/people/{h1.Id}";

        // H3 reports to H1 through H2, so H1 cannot report to H3.
        var cycle = await _admin.PostFormAsync(page + "?handler=Details", Form(h1, "H3"), tokenFrom: page);
        cycle.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var html = await cycle.Content.ReadAsStringAsync();
        PageText.Of(html).ShouldContain("Manager's employee id reports to this person already, so this would make a management cycle.");
        html.ShouldContain("aria-describedby=\"hint-manager_employee_id error-manager_employee_id\"");

        var bad = await _admin.PostFormAsync(page + "?handler=Details", Form(h1, null, f => { f["Input.WorkEmail"] = "h2@example.org"; f["Input.PreferredLanguage"] = "klingon"; }), tokenFrom: page);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var badText = PageText.Of(await bad.Content.ReadAsStringAsync());
        badText.ShouldContain("Work email is already someone else's work email.");
        badText.ShouldContain("Preferred language is not a language tag");
        (await PersonAsync("H1")).UpdatedAt.ShouldBe(h1.UpdatedAt, "nothing changes when the form has errors");

        var good = await _admin.PostFormAsync(page + "?handler=Details", Form(h1, "", f => f["Input.Name"] = "Hedy Lamarr"), tokenFrom: page);
        good.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await PersonAsync("H1")).Name.ShouldBe("Hedy Lamarr");
        var audit = (await _factory.AuditAsync(_org.Id, AuditActions.PersonUpdated)).Last();
        audit.Detail.ShouldBe("fields=name+department");
        audit.ActorId.ShouldBe(_org[Roles.Admin].AccountId);
    }

    [Fact]
    public async Task Roles_are_set_with_checkboxes_and_the_change_is_audited()
    {
        var leader = _org[Roles.Leader];
        var page = $"/admin/people/{leader.PersonId}";
        var html = await _admin.GetStringAsync(page);
        html.ShouldContain("id=\"role-Leader\" name=\"SelectedRoles\" value=\"Leader\" checked=\"checked\"");
        html.ShouldNotContain("/admin/invitations/new", customMessage: "someone with an account needs no invitation");

        var form = new FormUrlEncodedContent([
            new("__RequestVerificationToken", await _admin.AntiforgeryTokenAsync(page)),
            new("SelectedRoles", Roles.Leader), new("SelectedRoles", Roles.PeerSupporter)]);
        (await _admin.PostAsync(page + "?handler=Roles", form)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var roles = await _factory.InScopeAsync(_org.Id, async s =>
        {
            var users = s.GetRequiredService<UserManager<Account>>();
            return await users.GetRolesAsync((await users.FindByIdAsync(leader.AccountId.ToString()))!);
        });
        roles.ShouldBe([Roles.Employee, Roles.Leader, Roles.PeerSupporter], ignoreOrder: true);
        (await _factory.AuditAsync(_org.Id, AuditActions.RolesChanged)).Last().Detail.ShouldBe("roles=Employee+Leader+PeerSupporter");

        // Someone without an account is offered an invitation instead.
        var h4 = await PersonAsync("H4");
        var withoutAccount = await _admin.GetStringAsync($"/admin/people/{h4.Id}");
        withoutAccount.ShouldContain($"href=\"/admin/invitations/new?person={h4.Id}\"");
        PageText.Of(withoutAccount).ShouldContain("This person has no account yet");
    }

    [Fact]
    public async Task A_role_change_whose_audit_row_cannot_be_written_changes_no_roles()
    {
        var leader = _org[Roles.Leader];
        Task<IList<string>> RolesAsync() => _factory.InScopeAsync(_org.Id, async s =>
        {
            var users = s.GetRequiredService<UserManager<Account>>();
            return await users.GetRolesAsync((await users.FindByIdAsync(leader.AccountId.ToString()))!);
        });
        var audited = (await _factory.AuditAsync(_org.Id, AuditActions.RolesChanged)).Count;

        // One role added and one removed (each its own save inside Identity), then the audit row, which fails.
        await using (await _factory.Database.RefuseInsertsAsync("audit_events", $"NEW.Action = '{AuditActions.RolesChanged}'"))
        {
            (await _admin.ApiSendAsync(HttpMethod.Put, $"/api/v1/people/{leader.PersonId}/roles", new RolesRequest([Roles.Coordinator])))
                .StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        }
        (await RolesAsync()).ShouldBe([Roles.Employee, Roles.Leader], ignoreOrder: true, "no role change without its audit row");
        (await _factory.AuditAsync(_org.Id, AuditActions.RolesChanged)).Count.ShouldBe(audited);

        // With the audit working again the same change goes through.
        (await _admin.ApiSendAsync(HttpMethod.Put, $"/api/v1/people/{leader.PersonId}/roles", new RolesRequest([Roles.Coordinator])))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        (await RolesAsync()).ShouldBe([Roles.Employee, Roles.Coordinator], ignoreOrder: true);
    }

    [Fact]
    public async Task The_confidential_note_is_stored_sealed_hidden_by_default_and_every_showing_is_audited()
    {
        var h2 = await PersonAsync("H2");
        var page = $"/admin/people/{h2.Id}";
        const string secret = "canary-note-7f3a9 has raised a concern about their manager";
        (await _admin.PostFormAsync(page + "?handler=Note", new() { ["Note"] = secret }, tokenFrom: page)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var stored = (await PersonAsync("H2")).ConfidentialNoteSealed;
        stored.ShouldNotBeNull();
        stored.ShouldNotContain("canary");
        var reads = (await _factory.AuditAsync(_org.Id, AuditActions.ProtectedRead)).Count;

        var shown = await _admin.GetStringAsync(page);
        shown.ShouldNotContain(secret);
        shown.ShouldContain("Show confidential note");
        (await _factory.AuditAsync(_org.Id, AuditActions.ProtectedRead)).Count.ShouldBe(reads, "viewing the page does not read the note");

        var revealed = await _admin.PostFormAsync(page + "?handler=ShowNote", [], tokenFrom: page);
        (await revealed.Content.ReadAsStringAsync()).ShouldContain(secret);
        var read = (await _factory.AuditAsync(_org.Id, AuditActions.ProtectedRead)).Last();
        read.TargetId.ShouldBe(h2.Id.ToString("N"));
        read.ActorId.ShouldBe(_org[Roles.Admin].AccountId);
        (read.Detail ?? "").ShouldNotContain("canary");

        var tooLong = await _admin.PostFormAsync(page + "?handler=Note", new() { ["Note"] = new string('x', 4001) }, tokenFrom: page);
        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        PageText.Of(await tooLong.Content.ReadAsStringAsync()).ShouldContain("Confidential note is longer than 4000 characters.");
        _factory.Logs.All.ShouldNotContain("canary-note");
    }

    [Fact]
    public async Task The_api_edits_people_and_roles_with_400_for_bad_input_and_404_for_unknown_or_foreign_ids()
    {
        var h4 = await PersonAsync("H4");
        var edit = new PersonEditRequest("Grace Hopper", "grace@example.org", "H4", "Navy", null, "H1", null, "en-GB", new DateOnly(2020, 1, 1), null);
        var ok = await _admin.ApiSendAsync(HttpMethod.Put, $"/api/v1/people/{h4.Id}", edit);
        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        var view = (await ok.Content.ReadFromJsonAsync<PersonView>())!;
        view.Name.ShouldBe("Grace Hopper");
        view.Department.ShouldBe("Navy");
        view.ManagerId.ShouldBe((await PersonAsync("H1")).Id);

        var bad = await _admin.ApiSendAsync(HttpMethod.Put, $"/api/v1/people/{h4.Id}", edit with { WorkEmail = "nope", LeaveDate = new DateOnly(2019, 1, 1) });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await bad.Content.ReadAsStringAsync();
        problem.ShouldContain("work_email");
        problem.ShouldContain("leave_date");
        (await PersonAsync("H4")).WorkEmail.ShouldBe("grace@example.org");

        var foreign = _other[Roles.Employee].PersonId;
        (await _admin.ApiSendAsync(HttpMethod.Put, $"/api/v1/people/{foreign}", edit)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _admin.ApiSendAsync(HttpMethod.Put, $"/api/v1/people/{Guid.NewGuid()}", edit)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _admin.ApiSendAsync(HttpMethod.Put, $"/api/v1/people/{foreign}/roles", new RolesRequest([Roles.Admin]))).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var researcher = _org[Roles.Researcher];
        (await _admin.ApiSendAsync(HttpMethod.Put, $"/api/v1/people/{researcher.PersonId}/roles", new RolesRequest(["Overlord"]))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await _admin.ApiSendAsync(HttpMethod.Put, $"/api/v1/people/{h4.Id}/roles", new RolesRequest([Roles.Leader]))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var roles = await _admin.ApiSendAsync(HttpMethod.Put, $"/api/v1/people/{researcher.PersonId}/roles", new RolesRequest([Roles.Researcher, Roles.Leader]));
        roles.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await roles.Content.ReadFromJsonAsync<RolesView>())!.Roles.ShouldBe([Roles.Employee, Roles.Leader, Roles.Researcher]);
        (await _admin.ApiSendAsync(HttpMethod.Put, $"/api/v1/people/{_org[Roles.Admin].PersonId}/roles", new RolesRequest([]))).StatusCode
            .ShouldBe(HttpStatusCode.BadRequest, "an admin cannot remove their own Admin role");
    }

    [Fact]
    public async Task The_chart_api_lists_managers_and_direct_or_all_reports()
    {
        var h1 = await PersonAsync("H1");
        var h3 = await PersonAsync("H3");
        (await _admin.GetFromJsonAsync<List<PersonView>>($"/api/v1/people/{h3.Id}/managers"))!.Select(p => p.EmployeeId).ShouldBe(["H2", "H1"]);
        var direct = (await _admin.GetFromJsonAsync<PersonPage>($"/api/v1/people/{h1.Id}/reports?direct=true"))!;
        direct.Items.Select(p => p.EmployeeId).ShouldBe(["H2"]);
        var all = (await _admin.GetFromJsonAsync<PersonPage>($"/api/v1/people/{h1.Id}/reports?direct=false&pageSize=2&page=2"))!;
        all.Total.ShouldBe(3);
        all.Items.Count.ShouldBe(1);
        (await _admin.GetAsync($"/api/v1/people/{_other[Roles.Admin].PersonId}/managers")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _admin.GetAsync($"/api/v1/people/{h1.Id}/reports?pageSize=0")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var employee = await _factory.SignInAsync(_org[Roles.Employee]);
        (await employee.GetAsync($"/api/v1/people/{h1.Id}/reports")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
