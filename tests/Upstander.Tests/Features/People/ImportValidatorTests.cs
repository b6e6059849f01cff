using Upstander.Features.People;
using static Upstander.Tests.Features.People.ImportFiles;

namespace Upstander.Tests.Features.People;

public sealed class ImportValidatorTests
{
    private static ImportCheck Check(string csv, params ExistingPerson[] directory) => ImportValidator.Check(Parse(csv), directory);

    private static ExistingPerson Existing(string employeeId, ExistingPerson? manager = null, string? email = null) =>
        new(Guid.NewGuid(), employeeId, Upstander.Features.People.Person.NormalizeEmail(email ?? employeeId.ToLowerInvariant() + "@example.org"), manager?.Id);

    private static IEnumerable<(int Row, string Column)> Where(ImportCheck check) => check.Problems.Where(p => !p.IsDependency).Select(p => (p.Row, p.Column));

    [Fact]
    public void A_valid_file_has_no_problems_and_imports_managers_before_their_reports()
    {
        var check = Check(Csv(Row("E3", manager: "E2"), Row("E2", manager: "E1"), Row("E1")));
        check.IsValid.ShouldBeTrue();
        check.Problems.ShouldBeEmpty();
        check.RowsToImport(ImportMode.All).Select(r => r.Details.EmployeeId).ShouldBe(["E1", "E2", "E3"]);
        check.Counts(ImportMode.All).ShouldBe((3, 0, 0));
    }

    [Fact]
    public void An_unknown_manager_is_an_error_on_that_row()
    {
        var check = Check(Csv(Row("E1"), Row("E2", manager: "E404")));
        Where(check).ShouldBe([(3, "manager_employee_id")]);
        check.Problems.Single().Message.ShouldContain("E404");
        check.RowsToImport(ImportMode.All).ShouldBeEmpty();
    }

    [Fact]
    public void A_manager_already_in_the_directory_is_known()
    {
        Check(Csv(Row("E2", manager: "BOSS")), Existing("BOSS")).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void A_cycle_of_two_marks_both_rows()
    {
        var check = Check(Csv(Row("E1", manager: "E2"), Row("E2", manager: "E1"), Row("E3")));
        Where(check).ShouldBe([(2, "manager_employee_id"), (3, "manager_employee_id")]);
        check.Problems[0].Message.ShouldContain("cycle");
    }

    [Fact]
    public void A_cycle_of_three_marks_every_row_in_it_and_nothing_else()
    {
        var check = Check(Csv(Row("A", manager: "B"), Row("B", manager: "C"), Row("C", manager: "A"), Row("D", manager: "A")));
        Where(check).Select(w => w.Row).ShouldBe([2, 3, 4]);
        check.Problems[0].Message.ShouldContain("A → B → C → A");
    }

    [Fact]
    public void A_cycle_through_someone_already_in_the_directory_is_found()
    {
        // The directory has Y reporting to Z. The file makes Z report to X and X report to Y: X -> Y -> Z -> X.
        var z = Existing("Z");
        var y = Existing("Y", manager: z);
        var check = Check(Csv(Row("X", manager: "Y"), Row("Z", manager: "X")), z, y);
        Where(check).Select(w => w.Row).ShouldBe([2, 3]);
    }

    [Fact]
    public void A_person_who_is_their_own_manager_is_an_error()
    {
        var check = Check(Csv(Row("E1", manager: "E1")));
        Where(check).ShouldBe([(2, "manager_employee_id")]);
    }

    [Fact]
    public void Duplicate_employee_ids_and_emails_in_the_file_mark_every_copy()
    {
        var check = Check(Csv(Row("E1"), Row("E1", email: "other@example.org"), Row("E2", email: "same@example.org"), Row("E3", email: "SAME@example.org")));
        Where(check).ShouldBe([(2, "employee_id"), (3, "employee_id"), (4, "work_email"), (5, "work_email")]);
        check.Problems[0].Message.ShouldContain("rows 2, 3");
    }

    [Fact]
    public void An_email_belonging_to_someone_else_in_the_directory_is_an_error_but_a_persons_own_email_is_not()
    {
        var check = Check(Csv(Row("NEW", email: "taken@example.org"), Row("OLD", email: "old@example.org")),
            Existing("OTHER", email: "Taken@Example.org"), Existing("OLD", email: "old@example.org"));
        Where(check).ShouldBe([(2, "work_email")]);
        check.Problems.Single().Message.ShouldContain("OTHER");
        check.Counts(ImportMode.ValidOnly).ShouldBe((0, 1, 1));
    }

    [Theory]
    [InlineData("language", "xx-notalanguage", "preferred_language")]
    [InlineData("language", "english", "preferred_language")]
    [InlineData("leave", "2019-12-31", "leave_date")]
    [InlineData("start", "2020-13-01", "start_date")]
    [InlineData("email", "not-an-email", "work_email")]
    public void Field_rules_are_reported_by_column(string what, string value, string column)
    {
        var row = what switch
        {
            "language" => Row("E1", language: value),
            "leave" => Row("E1", start: "2020-01-01", leave: value),
            "start" => Row("E1", start: value),
            _ => Row("E1", email: value),
        };
        Where(Check(Csv(row))).ShouldBe([(2, column)]);
    }

    [Fact]
    public void Over_long_values_and_missing_required_values_are_errors()
    {
        var check = Check(Csv(Row("E1", name: new string('n', PersonRules.NameMaxLength + 1)), Row("E2", department: new string('d', 201)),
            ",nobody@example.org,E3,,,,,,,"));
        Where(check).ShouldBe([(2, "name"), (3, "department"), (4, "name")]);
        check.Problems[0].Message.ShouldContain("longer than 200");
    }

    [Fact]
    public void Valid_only_leaves_out_rows_that_depend_on_a_row_with_errors_and_says_which()
    {
        var check = Check(Csv(
            Row("BOSS", email: "broken"),        // row 2: error
            Row("MID", manager: "BOSS"),         // row 3: depends on row 2
            Row("LEAF", manager: "MID"),         // row 4: depends on row 3
            Row("SOLO")));                       // row 5: fine
        check.RowsWithErrors.ShouldBe(1);
        check.IsValid.ShouldBeFalse();
        check.ValidRows.ShouldBe(1);
        check.RowsToImport(ImportMode.ValidOnly).Select(r => r.Details.EmployeeId).ShouldBe(["SOLO"]);
        check.RowsToImport(ImportMode.All).ShouldBeEmpty();
        var dependencies = check.Problems.Where(p => p.IsDependency).ToList();
        dependencies.Select(d => (d.Row, d.DependsOnRow)).ShouldBe([(3, (int?)2), (4, (int?)3)]);
        dependencies[0].Message.ShouldBe("depends on row 2, which has errors.");
    }

    [Fact]
    public void Valid_only_never_closes_a_cycle_by_leaving_a_row_out()
    {
        // The directory has P reporting to X. The file moves P to the top (but its row has an error) and
        // makes X report to E, who reports to P. Importing X and E without P's row would loop X -> E -> P -> X.
        var x = Existing("X");
        var p = Existing("P", manager: x);
        var check = Check(Csv(Row("P", email: "broken"), Row("X", manager: "E"), Row("E", manager: "P")), x, p);
        check.RowsWithErrors.ShouldBe(1);
        check.RowsToImport(ImportMode.ValidOnly).ShouldBeEmpty();
    }

    [Fact]
    public void Re_importing_someone_already_in_the_directory_counts_as_an_update()
    {
        var check = Check(Csv(Row("E1"), Row("E2", manager: "E1")), Existing("E1"));
        check.Counts(ImportMode.All).ShouldBe((1, 1, 0));
    }
}
