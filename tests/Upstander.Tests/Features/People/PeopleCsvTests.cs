using System.Text;
using Upstander.Features.People;

namespace Upstander.Tests.Features.People;

public sealed class PeopleCsvTests
{
    private static PeopleFileResult Read(string text) => PeopleCsv.Read(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData("name,work_email,employee_id,manager_employee_id")]
    [InlineData("Name,Work email,Employee ID,Manager employee id")]
    [InlineData("NAME, work email ,employee-id,Manager's employee id")]
    [InlineData("\uFEFFname,WorkEmail,employee_id,manager_employee_id")]
    public void Heading_spellings_are_forgiving(string header)
    {
        var result = Read(header + "\nAda Lovelace,ada@example.org,E1,E0\n");
        result.Error.ShouldBeNull();
        var row = result.File!.Rows.ShouldHaveSingleItem();
        row.Row.ShouldBe(2);
        row.Details.Name.ShouldBe("Ada Lovelace");
        row.Details.WorkEmail.ShouldBe("ada@example.org");
        row.Details.ManagerEmployeeId.ShouldBe("E0");
        result.File.Has(PeopleCsv.Department).ShouldBeFalse();
    }

    [Fact]
    public void An_unknown_column_is_named_in_a_file_level_error()
    {
        var result = Read("name,work_email,employee_id,salary\nA,a@example.org,E1,100\n");
        result.File.ShouldBeNull();
        result.Error!.ShouldContain("\"salary\"");
    }

    [Fact]
    public void Missing_required_columns_are_listed()
    {
        var result = Read("name,department\nA,Ops\n");
        result.File.ShouldBeNull();
        result.Error!.ShouldContain("Missing required column(s): work email, employee id");
    }

    [Fact]
    public void A_repeated_column_is_refused()
    {
        Read("name,work_email,employee_id,Work Email\nA,a@example.org,E1,b@example.org\n").Error!.ShouldContain("appears more than once");
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_columns_is_named()
    {
        var result = Read("name,work_email,employee_id\nA,a@example.org,E1\nB,b@example.org\n");
        result.Error!.ShouldStartWith("Row 3 has 2 columns, but the heading row has 3");
    }

    [Fact]
    public void An_unclosed_quote_is_refused_rather_than_swallowing_the_rest_of_the_file()
    {
        var result = Read("name,work_email,employee_id\nA,a@example.org,E1\n\"B,b@example.org,E2\nC,c@example.org,E3\n");
        result.File.ShouldBeNull();
        result.Error.ShouldNotBeNull();
    }

    [Fact]
    public void Invalid_utf8_is_refused_with_advice()
    {
        var bytes = Encoding.UTF8.GetBytes("name,work_email,employee_id\nJos").Concat(new byte[] { 0xE9 }).Concat(Encoding.UTF8.GetBytes(",j@example.org,E1\n")).ToArray();
        PeopleCsv.Read(bytes).Error!.ShouldContain("not UTF-8");
    }

    [Fact]
    public void A_binary_file_is_refused()
    {
        PeopleCsv.Read([0x50, 0x4B, 0x03, 0x04, 0x00, 0x00]).Error!.ShouldContain("does not look like a CSV");
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        Read("").Error!.ShouldContain("empty");
    }

    [Fact]
    public void A_file_over_20_megabytes_is_refused()
    {
        PeopleCsv.Read(new byte[PeopleCsv.MaxBytes + 1]).Error.ShouldBe(PeopleCsv.TooLarge);
    }

    [Fact]
    public void Quoted_values_may_hold_commas_and_quotes_and_blank_rows_are_ignored()
    {
        var result = Read("name,work_email,employee_id,team\n\"O'Neill, \"\"Tom\"\"\",tom@example.org,E1,\"A, B\"\n,,,\n");
        var row = result.File!.Rows.ShouldHaveSingleItem();
        row.Details.Name.ShouldBe("O'Neill, \"Tom\"");
        row.Details.Team.ShouldBe("A, B");
    }

    [Fact]
    public void Dates_must_be_iso_and_a_bad_one_is_a_row_error_not_a_file_error()
    {
        var result = Read("name,work_email,employee_id,start_date,leave_date\nA,a@example.org,E1,31/01/2020,2021-02-30\n");
        var row = result.File!.Rows.ShouldHaveSingleItem();
        row.ParseErrors.Select(e => e.Field).ShouldBe([PeopleCsv.StartDate, PeopleCsv.LeaveDate]);
    }
}
