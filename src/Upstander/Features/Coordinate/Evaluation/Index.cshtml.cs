using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Features.Training;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Coordinate.Evaluation;

/// <summary>
/// The training evaluation: per course, by module and by cohort, aggregates only, every figure for a
/// group under the organisation's minimum size replaced by "fewer than N" (docs/training-evaluation.md), counting
/// what learners did up to the end of the last completed quarter, so the page and its CSV change only when a quarter closes.
/// Coordinators run the programme; researchers evaluate it. Neither sees a person's answers here.
/// </summary>
[Authorize(Roles = Roles.Coordinator + "," + Roles.Researcher)]
public sealed class IndexModel(TrainingEvaluationData data, IStringLocalizer<SharedResource> t) : PageModel
{
    public IReadOnlyList<CourseEvaluation> Courses { get; private set; } = [];
    public EvaluationFormat Format { get; private set; } = null!;
    public int MinimumGroupSize { get; private set; }
    public int CommentMinimumGroupSize { get; private set; }
    public bool MayReadComments { get; private set; }
    public CalendarPeriod Quarter => data.Quarter;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>
    /// The same suppressed figures as the page, one per line: course, table, row, figure, value; a row whose figures stand
    /// at an older quarter has a line saying the last day of that quarter (progress_as_of, reactions_as_of, learners_as_of,
    /// growth_as_of).
    /// </summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var csv = new StringBuilder("course,table,row,figure,value\r\n");
        foreach (var course in Courses)
        {
            foreach (var module in course.Modules)
            {
                foreach (var (figure, value) in ModuleFigures(module))
                {
                    Write(csv, course.Title, "module", module.Title, figure, Format.Raw(value));
                }
                WriteAsOf(csv, course.Title, "module", module.Title, "progress_as_of", module.ProgressAsOf);
                WriteAsOf(csv, course.Title, "module", module.Title, "reactions_as_of", module.ReactionsAsOf);
            }
            foreach (var cohort in course.Cohorts)
            {
                var label = cohort.IsTotal ? t["All learners"].Value : cohort.Label;
                Write(csv, course.Title, "cohort", label, "learners", Format.Raw(cohort.Learners));
                Write(csv, course.Title, "cohort", label, "completion_rate", Format.Raw(cohort.CompletionRate));
                Write(csv, course.Title, "cohort", label, "pass_rate", Format.Raw(cohort.PassRate));
                WriteAsOf(csv, course.Title, "cohort", label, "learners_as_of", cohort.LearnersAsOf);
                if (!course.HasSelfAssessment)
                {
                    continue;
                }
                foreach (var skill in cohort.Skills)
                {
                    Write(csv, course.Title, "cohort", label, $"{skill.Skill}_people", Format.Raw(skill.Pairs));
                    Write(csv, course.Title, "cohort", label, $"{skill.Skill}_before", Format.Raw(skill.Before));
                    Write(csv, course.Title, "cohort", label, $"{skill.Skill}_after", Format.Raw(skill.After));
                    Write(csv, course.Title, "cohort", label, $"{skill.Skill}_change", Format.Raw(skill.Change));
                }
                WriteAsOf(csv, course.Title, "cohort", label, "growth_as_of", cohort.GrowthAsOf);
            }
        }
        return File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8",
            $"training-evaluation-to-{Quarter.Last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.csv");
    }

    public static IEnumerable<(string Name, Figure Value)> ModuleFigures(ModuleEvaluation m) =>
    [
        ("started", m.Started),
        ("completion_rate", m.CompletionRate),
        ("first_attempt_pass_rate", m.FirstAttemptPassRate),
        ("eventual_pass_rate", m.EventualPassRate),
        ("mean_attempts_to_pass", m.MeanAttemptsToPass),
        ("first_attempt_score", m.FirstScore),
        ("best_score", m.BestScore),
        ("knowledge_gain", m.KnowledgeGain),
        ("reaction_responses", m.Responses),
        ("useful_mean", m.Useful),
        ("relevant_mean", m.Relevant),
        ("clear_mean", m.Clear),
    ];

    private static void Write(StringBuilder csv, string course, string table, string row, string figure, string value) =>
        csv.AppendJoin(',', new[] { Text(course), table, Text(row), figure, value }.Select(Quote)).Append("\r\n");

    /// <summary>A row's figures that stand at an older quarter than the last completed one: the last day of that quarter.</summary>
    private static void WriteAsOf(StringBuilder csv, string course, string table, string row, string figure, DateOnly? asOf)
    {
        if (asOf is { } day)
        {
            Write(csv, course, table, row, figure, EvaluationFormat.Day(day));
        }
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    /// <summary>Names typed by people (cohorts, titles) cannot start a spreadsheet formula; numbers are left as numbers.</summary>
    private static string Text(string value) => value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal) ? "'" + value : value;

    private async Task LoadAsync(CancellationToken ct)
    {
        var reading = await data.EvaluateAsync(ct);
        (Courses, MinimumGroupSize, CommentMinimumGroupSize) = (reading.Courses, reading.Minimums.Size, reading.Minimums.Comments);
        Format = new EvaluationFormat(t, MinimumGroupSize);
        MayReadComments = User.IsInRole(Roles.Coordinator);
    }
}
