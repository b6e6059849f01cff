using System.Text;
using Upstander.Features.People;

namespace Upstander.Tests.Features.People;

/// <summary>Small CSV files for import tests, written as an admin's spreadsheet would save them.</summary>
public static class ImportFiles
{
    public const string Header = "name,work_email,employee_id,department,team,manager_employee_id,location,preferred_language,start_date,leave_date";

    public static string Row(string id, string? manager = null, string? email = null, string name = "", string department = "Operations",
        string language = "en", string start = "2020-01-01", string leave = "") =>
        $"{(name.Length > 0 ? name : "Person " + id)},{email ?? id.ToLowerInvariant() + "@example.org"},{id},{department},Team A,{manager},Leeds,{language},{start},{leave}";

    public static string Csv(params string[] rows) => Header + "\n" + string.Join("\n", rows) + "\n";

    public static PeopleFile Parse(string csv)
    {
        var result = PeopleCsv.Read(Encoding.UTF8.GetBytes(csv));
        result.Error.ShouldBeNull();
        return result.File!;
    }

    /// <summary>A valid file of <paramref name="count"/> people: ten top managers, everyone else reporting to someone earlier.</summary>
    public static string Large(int count, string prefix = "E", int seed = 1)
    {
        var random = new Random(seed);
        var text = new StringBuilder(Header).Append('\n');
        for (var i = 0; i < count; i++)
        {
            var manager = i < 10 ? "" : $"{prefix}{random.Next(i)}";
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"Person {prefix}{i},{prefix.ToLowerInvariant()}{i}@example.org,{prefix}{i},Department {i % 25},Team {i % 7},{manager},Site {i % 3},en,2021-02-03,\n");
        }
        return text.ToString();
    }
}
