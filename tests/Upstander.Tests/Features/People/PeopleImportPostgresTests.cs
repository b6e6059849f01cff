using System.Net;
using System.Net.Http.Json;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.People.ImportFiles;

namespace Upstander.Tests.Features.People;

/// <summary>The import's transaction, batching and manager ordering on PostgreSQL, where foreign keys are checked row by row.</summary>
public sealed class PeopleImportPostgresTests : IAsyncLifetime
{
    private readonly UpstanderFactory _factory = new(Engine.Postgres);
    private TestOrganisation _org = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _org = await _factory.CreateOrganisationAsync("Postgres Import Org");
        _admin = await _factory.SignInAsync(_org[Roles.Admin]);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Several_thousand_rows_import_in_batches_and_a_reimport_updates_them()
    {
        const int count = 3_500;
        var csv = Large(count, "P", seed: 3);
        var response = await _admin.ApiImportAsync(csv, "all");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<ImportReportView>())!.Result.ShouldBe(new ImportResultView("all", true, count, 0, 0));

        var people = (await _factory.PeopleAsync(_org.Id)).Where(p => p.EmployeeId.StartsWith('P')).ToList();
        people.Count.ShouldBe(count);
        var byId = people.ToDictionary(p => p.Id);
        people.Where(p => p.ManagerId is not null).ShouldAllBe(p => byId.ContainsKey(p.ManagerId!.Value));

        // A second file with a different shape of chart: everyone is updated in place, nobody is added.
        var again = await _admin.ApiImportAsync(Large(count, "P", seed: 4), "all");
        (await again.Content.ReadFromJsonAsync<ImportReportView>())!.Result.ShouldBe(new ImportResultView("all", true, 0, count, 0));
        var after = (await _factory.PeopleAsync(_org.Id)).Where(p => p.EmployeeId.StartsWith('P')).ToList();
        after.Select(p => p.Id).Order().ShouldBe(people.Select(p => p.Id).Order());
        after.Count(p => p.ManagerId != byId[p.Id].ManagerId).ShouldBeGreaterThan(count / 2);
        (await _factory.AuditAsync(_org.Id, AuditActions.ImportApplied)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_file_with_a_bad_row_changes_nothing_on_postgres_either()
    {
        var before = (await _factory.PeopleAsync(_org.Id)).Count;
        var response = await _admin.ApiImportAsync(Csv(Row("Q1"), Row("Q2", manager: "Q3"), Row("Q3", manager: "Q2"), Row("Q4", email: "q1@example.org")), "all");
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await _factory.PeopleAsync(_org.Id)).Count.ShouldBe(before);
        var report = (await response.Content.ReadFromJsonAsync<ImportReportView>())!;
        report.Problems.Select(p => (p.Row, p.Column)).ShouldBe([(2, "work_email"), (3, "manager_employee_id"), (4, "manager_employee_id"), (5, "work_email")]);
    }
}
