using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Data;
using Upstander.Platform.Web;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>The report form as posted (named and anonymous share it); <see cref="ToContent"/> turns it into <see cref="ReportDraftContent"/>.</summary>
public sealed class ReportForm
{
    public string? Account { get; set; }
    public string? When { get; set; }
    public string? Where { get; set; }
    public string? HowOften { get; set; }
    public string? Impact { get; set; }
    public string? Outcome { get; set; }
    public string? Category { get; set; }
    public string? DepartmentId { get; set; }
    public string? Location { get; set; }
    public List<string> Named { get; set; } = [];
    public string? Described { get; set; }
    public string? Witnesses { get; set; }
    public List<string> JournalEntries { get; set; } = [];
    public bool HoldIdentity { get; set; }
    public string? PersonSearch { get; set; }
    public string? Passphrase { get; set; }
    public string? PassphraseConfirmation { get; set; }

    /// <summary>The content, or the problems with ids that are not ids at all (forged or garbled).</summary>
    public (ReportDraftContent Content, List<(string Field, string Message)> Problems) ToContent()
    {
        var problems = new List<(string, string)>();
        var named = Ids(Named, nameof(Named), "Choose people from the directory search.", problems);
        var journal = Ids(JournalEntries, nameof(JournalEntries), "Choose entries from your journal.", problems);
        Guid? department = null;
        if (!string.IsNullOrEmpty(DepartmentId))
        {
            if (Guid.TryParse(DepartmentId, out var id))
            {
                department = id;
            }
            else
            {
                problems.Add((nameof(DepartmentId), "Choose a department from the list."));
            }
        }
        return (new ReportDraftContent
        {
            Account = Account,
            When = When,
            Where = Where,
            HowOften = HowOften,
            Impact = Impact,
            Outcome = Outcome,
            Category = string.IsNullOrEmpty(Category) ? null : Category,
            DepartmentId = department,
            Location = Location,
            Named = named,
            Described = Described,
            Witnesses = Witnesses,
            JournalEntries = journal,
        }, problems);
    }

    public static ReportForm From(ReportDraftContent content) => new()
    {
        Account = content.Account,
        When = content.When,
        Where = content.Where,
        HowOften = content.HowOften,
        Impact = content.Impact,
        Outcome = content.Outcome,
        Category = content.Category,
        DepartmentId = content.DepartmentId?.ToString(),
        Location = content.Location,
        Named = [.. content.Named.Select(n => n.ToString())],
        Described = content.Described,
        Witnesses = content.Witnesses,
        JournalEntries = [.. content.JournalEntries.Select(j => j.ToString())],
    };

    private static List<Guid> Ids(List<string> values, string field, string message, List<(string, string)> problems)
    {
        var ids = new List<Guid>();
        foreach (var value in values.Where(v => !string.IsNullOrEmpty(v)).Distinct())
        {
            if (Guid.TryParse(value, out var id) && id != Guid.Empty)
            {
                ids.Add(id);
            }
            else
            {
                problems.Add((field, message));
                break;
            }
        }
        return ids;
    }
}

/// <summary>
/// What the shared report fields need to render: the form, the departments to choose from, the file limits, and whether
/// the report is anonymous (its file names are always replaced) or named (replaced if the identity is held back).
/// </summary>
public sealed record ReportFieldsModel(ReportForm Form, IReadOnlyList<(Guid Id, string Name)> Departments, ReportingOptions Options, bool Anonymous);

public static class ReportPages
{
    public static async Task<IReadOnlyList<(Guid Id, string Name)>> DepartmentsAsync(AppDbContext db, CancellationToken ct) =>
        [.. (await db.Departments.OrderBy(d => d.Name).Select(d => new { d.Id, d.Name }).ToListAsync(ct)).Select(d => (d.Id, d.Name))];

    /// <summary>Adds the problems to the model state under the form's prefix, localized.</summary>
    public static void AddProblems(ModelStateDictionary state, IStringLocalizer<SharedResource> t, IEnumerable<(string Field, string Message)> problems)
    {
        foreach (var (field, message) in problems)
        {
            state.AddModelError("Input." + field, t[message]);
        }
    }
}
