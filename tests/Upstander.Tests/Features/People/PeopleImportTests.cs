using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using Xunit.Abstractions;
using static Upstander.Tests.Features.People.ImportFiles;

namespace Upstander.Tests.Features.People;

public sealed class PeopleImportTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly UpstanderFactory _factory = new();
    private TestOrganisation _org = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _org = await _factory.CreateOrganisationAsync("Import Org");
        _admin = await _factory.SignInAsync(_org[Roles.Admin]);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_file_with_one_bad_row_is_reported_by_row_and_column_and_nothing_is_imported()
    {
        var before = (await _factory.PeopleAsync(_org.Id)).Count;
        var report = await _admin.UploadReadableAsync(Csv(Row("A1"), Row("A2", manager: "NOBODY"), Row("A3", manager: "A1")));

        var html = await _admin.GetStringAsync(report);
        var text = PageText.Of(html);
        text.ShouldContain("1 row has errors. Nothing has been imported.");
        text.ShouldContain("3 manager_employee_id is not the employee id of anyone in this file or in the directory (NOBODY).");
        html.ShouldNotContain("value=\"all\"", customMessage: "Import all is offered only for a fully valid file");
        text.ShouldContain("Import only the 2 valid rows");
        (await _factory.PeopleAsync(_org.Id)).Count.ShouldBe(before);

        // Even a hand-made post of "all" imports nothing.
        var forced = await _admin.PostFormAsync(report, new() { ["mode"] = "all" });
        forced.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _factory.PeopleAsync(_org.Id)).Count.ShouldBe(before);

        var validated = await _factory.AuditAsync(_org.Id, AuditActions.ImportValidated);
        validated.Last().Detail.ShouldBe("rows=3 rows-with-errors=1 valid-only-rows=2");
        validated.Last().Outcome.ShouldBe("failure");
        (await _factory.AuditAsync(_org.Id, AuditActions.ImportApplied)).ShouldBeEmpty();
    }

    [Fact]
    public async Task One_of_a_kind_is_written_in_the_singular()
    {
        var mixed = PageText.Of(await _admin.GetStringAsync(await _admin.UploadReadableAsync(Csv(Row("S1"), Row("S2", manager: "NOBODY")))));
        mixed.ShouldContain("or import only the 1 valid row: rows with errors");
        mixed.ShouldContain("Import only the 1 valid row ");

        var valid = await _admin.UploadReadableAsync(Csv(Row("S3"), Row("S4", manager: "S3")));
        PageText.Of(await _admin.GetStringAsync(valid)).ShouldContain("Importing will add 2 new people and update 0 already in the directory.");
        await _admin.ImportAsync(_factory, _org.Id, valid, "all");
        var again = await _admin.UploadReadableAsync(Csv(Row("S3"), Row("S5", manager: "S3")));
        PageText.Of(await _admin.GetStringAsync(again)).ShouldContain("Importing will add 1 new person and update 1 already in the directory.");

        var manager = (await _factory.PeopleAsync(_org.Id)).Single(p => p.EmployeeId == "S3");
        PageText.Of(await _admin.GetStringAsync($"/admin/people/{manager.Id}")).ShouldContain("1 direct report; 1 person reports to them in all.");
    }

    [Fact]
    public async Task Valid_only_imports_the_good_rows_and_leaves_out_those_depending_on_a_bad_one()
    {
        var report = await _admin.UploadReadableAsync(Csv(Row("B1", email: "broken"), Row("B2", manager: "B1"), Row("B3"), Row("B4", manager: "B3")));
        PageText.Of(await _admin.GetStringAsync(report)).ShouldContain("3 manager_employee_id depends on row 2, which has errors.");

        var progress = await _admin.ImportAsync(_factory, _org.Id, report, "valid-only");
        var summary = PageText.Of(await _admin.GetStringAsync(progress));
        summary.ShouldContain("People added 2");
        summary.ShouldContain("Rows skipped 2");

        var people = await _factory.PeopleAsync(_org.Id);
        people.Select(p => p.EmployeeId).ShouldContain("B3");
        people.Select(p => p.EmployeeId).ShouldContain("B4");
        people.Select(p => p.EmployeeId).ShouldNotContain("B1");
        people.Select(p => p.EmployeeId).ShouldNotContain("B2");
        people.Single(p => p.EmployeeId == "B4").ManagerId.ShouldBe(people.Single(p => p.EmployeeId == "B3").Id);

        var applied = (await _factory.AuditAsync(_org.Id, AuditActions.ImportApplied)).ShouldHaveSingleItem();
        applied.Detail.ShouldBe("mode=valid-only rows=4 created=2 updated=0 skipped=2");
        applied.ActorId.ShouldBe(_org[Roles.Admin].AccountId);

        // An upload is imported at most once.
        (await _admin.PostFormAsync(report, new() { ["mode"] = "valid-only" }, tokenFrom: "/admin/people/import")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Importing_all_creates_people_departments_and_manager_links_and_a_reimport_updates_by_employee_id()
    {
        var report = await _admin.UploadReadableAsync(Csv(
            Row("C3", manager: "C2", department: "Finance"), Row("C2", manager: "C1", department: "finance"), Row("C1", department: "Board")));
        var progress = await _admin.ImportAsync(_factory, _org.Id, report, "all");
        PageText.Of(await _admin.GetStringAsync(progress)).ShouldContain("People added 3");

        var people = await _factory.PeopleAsync(_org.Id);
        var c1 = people.Single(p => p.EmployeeId == "C1");
        var c2 = people.Single(p => p.EmployeeId == "C2");
        var c3 = people.Single(p => p.EmployeeId == "C3");
        c3.ManagerId.ShouldBe(c2.Id);
        c2.ManagerId.ShouldBe(c1.Id);
        c2.DepartmentId.ShouldBe(c3.DepartmentId, "department names match regardless of case");
        var untouched = people.Single(p => p.EmployeeId == $"{_org.Slug}-{Roles.Leader}");

        // The second file renames C3, moves them under C1, and says nothing about anyone else.
        var second = await _admin.UploadReadableAsync(Csv(Row("C3", manager: "C1", name: "Renamed Person", department: "Finance")));
        await _admin.ImportAsync(_factory, _org.Id, second, "all");
        var after = await _factory.PeopleAsync(_org.Id);
        after.Count.ShouldBe(people.Count);
        var renamed = after.Single(p => p.EmployeeId == "C3");
        renamed.Id.ShouldBe(c3.Id);
        renamed.Name.ShouldBe("Renamed Person");
        renamed.ManagerId.ShouldBe(c1.Id);
        after.Single(p => p.EmployeeId == "C2").ManagerId.ShouldBe(c1.Id);
        var leader = after.Single(p => p.Id == untouched.Id);
        leader.Name.ShouldBe(untouched.Name);
        leader.UpdatedAt.ShouldBe(untouched.UpdatedAt);

        (await _factory.AuditAsync(_org.Id, AuditActions.ImportApplied)).Last().Detail.ShouldBe("mode=all rows=1 created=0 updated=1 skipped=0");

        // The chart API sees the change at once.
        var managers = await _admin.GetFromJsonAsync<List<PersonView>>($"/api/v1/people/{c3.Id}/managers");
        managers!.Select(m => m.EmployeeId).ShouldBe(["C1"]);
    }

    [Fact]
    public async Task Files_that_cannot_be_read_are_refused_with_a_reason_and_change_nothing()
    {
        var before = (await _factory.PeopleAsync(_org.Id)).Count;
        async Task<string> Refusal(string csv, string name = "people.csv")
        {
            var response = await _admin.UploadAsync(csv, name);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            return PageText.Of(await response.Content.ReadAsStringAsync());
        }
        (await Refusal("name,work_email\nA,a@example.org\n")).ShouldContain("Missing required column(s): employee id.");
        (await Refusal(Csv(Row("D1")), "people.xlsx")).ShouldContain("Only CSV files (.csv) can be imported.");
        (await Refusal("name,work_email,employee_id\nA,a@example.org,D1,extra\n")).ShouldContain("Row 2 has 4 columns, but the heading row has 3.");
        (await Refusal("name,work_email,employee_id\n\"A,a@example.org,D1\n")).ShouldContain("not valid CSV");
        (await _factory.PeopleAsync(_org.Id)).Count.ShouldBe(before);
        (await _factory.AuditAsync(_org.Id, AuditActions.ImportValidated)).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_api_reports_every_problem_and_refuses_an_invalid_file_in_mode_all()
    {
        var response = await _admin.ApiImportAsync(Csv(Row("F1"), Row("F2", manager: "F3"), Row("F3", manager: "F2")), "validate");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var report = (await response.Content.ReadFromJsonAsync<ImportReportView>())!;
        report.Valid.ShouldBeFalse();
        report.Problems.Select(p => (p.Row, p.Column)).ShouldBe([(3, "manager_employee_id"), (4, "manager_employee_id")]);

        var all = await _admin.ApiImportAsync(Csv(Row("F1"), Row("F2", manager: "F3"), Row("F3", manager: "F2")), "all");
        all.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await _factory.PeopleAsync(_org.Id)).ShouldNotContain(p => p.EmployeeId == "F1");

        var validOnly = await _admin.ApiImportAsync(Csv(Row("F1"), Row("F2", manager: "F3"), Row("F3", manager: "F2")), "valid-only");
        validOnly.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await validOnly.Content.ReadFromJsonAsync<ImportReportView>())!.Result.ShouldBe(new ImportResultView("valid-only", true, 1, 0, 2));

        (await _admin.ApiImportAsync(Csv(Row("F9")), "everything")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Only_admins_reach_the_import_and_people_pages_and_api()
    {
        var employee = await _factory.SignInAsync(_org[Roles.Employee]);
        foreach (var url in new[] { "/admin/people", "/admin/people/import", $"/admin/people/{_org[Roles.Employee].PersonId}" })
        {
            var response = await employee.GetAsync(url);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, url);
            response.Headers.Location!.AbsolutePath.ShouldBe("/account/access-denied", url);
        }
        var token = await employee.AntiforgeryTokenAsync("/");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/people/import?mode=validate") { Content = PeopleHelpers.FileContent(Csv(Row("G1"))) };
        request.Headers.Add("RequestVerificationToken", token);
        (await employee.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _factory.Browser().GetAsync("/admin/people/import")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        (await _admin.GetAsync("/admin/people/import")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _admin.GetAsync("/admin/people")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Fifty_thousand_rows_import_with_progress_and_every_count_matches()
    {
        const int count = 50_000;
        var csv = Large(count, "L");
        var clock = Stopwatch.StartNew();
        var report = await _admin.UploadReadableAsync(csv);
        var validated = clock.Elapsed;
        PageText.Of(await _admin.GetStringAsync(report)).ShouldContain($"Every row is valid. Importing will add {count} new people");

        var response = await _admin.PostFormAsync(report, new() { ["mode"] = "all" });
        var progressUrl = response.Headers.Location!.OriginalString;
        var running = await _admin.GetStringAsync(progressUrl);
        // Never a timed reload: it would take a screen reader back to the top every few seconds (axe: meta-refresh).
        running.ShouldNotContain("http-equiv=\"refresh\"");
        if (!running.Contains("Import finished", StringComparison.Ordinal))
        {
            running.ShouldContain("<progress id=\"import-progress\" max=\"50000\"");
            running.ShouldContain($"<a class=\"button\" href=\"{progressUrl}\">Check progress</a>");
            running.ShouldContain("/js/import-progress.js");
        }
        var job = _factory.Services.GetRequiredService<PeopleImportJobs>().Job(Guid.Parse(progressUrl.Split('/')[^1]), _org.Id)!;
        await job.Completion.WaitAsync(TimeSpan.FromMinutes(5));
        output.WriteLine($"SQLite: upload and check {validated.TotalSeconds:F1} s, check and write {clock.Elapsed.TotalSeconds - validated.TotalSeconds:F1} s for {count} rows");

        job.Status.ShouldBe(ImportJobStatus.Finished);
        job.Processed.ShouldBe(count);
        var done = await _admin.GetStringAsync(progressUrl);
        done.ShouldNotContain("http-equiv=\"refresh\"");
        PageText.Of(done).ShouldContain($"People added {count}");

        var people = await _factory.PeopleAsync(_org.Id);
        var imported = people.Where(p => p.EmployeeId.StartsWith('L')).ToList();
        imported.Count.ShouldBe(count);
        imported.Count(p => p.ManagerId is null).ShouldBe(10);
        var byId = imported.ToDictionary(p => p.Id);
        imported.Where(p => p.ManagerId is not null).ShouldAllBe(p => byId.ContainsKey(p.ManagerId!.Value));
        var chart = await _admin.GetFromJsonAsync<PersonPage>($"/api/v1/people/{imported.Single(p => p.EmployeeId == "L0").Id}/reports?direct=false&pageSize=5");
        chart!.Items.Count.ShouldBe(5);
    }
}
