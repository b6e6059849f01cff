using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Security;

namespace Upstander.Features.Training.Authoring;

/// <summary>A problem with what was typed: the id of the field it concerns (for the summary's link) and an English message (a localization key).</summary>
public sealed record FieldError(string Field, string Message, params object[] Args);

/// <summary>
/// The base of every editor page: loads this organisation's draft of the course in the address (404
/// when there is none, which is also what another organisation's course answers), and answers bad
/// input with 400, the form re-shown and nothing saved.
/// </summary>
[Authorize(Roles = Roles.Coordinator)]
public abstract class DraftPageModel(CourseAuthoring authoring) : PageModel
{
    protected CourseAuthoring Authoring => authoring;

    public CourseDraft Draft { get; private set; } = null!;
    public Course Course { get; private set; } = null!;
    public List<FieldError> Errors { get; } = [];

    protected async Task<bool> LoadAsync(string slug, CancellationToken ct)
    {
        if (await authoring.DraftAsync(slug, ct) is not { } draft)
        {
            return false;
        }
        (Draft, Course) = (draft, draft.Read());
        return true;
    }

    protected void Error(string field, string message, params object[] args) => Errors.Add(new FieldError(field, message, args));

    /// <summary>The form again, with its problems listed at the top; nothing was saved.</summary>
    protected IActionResult Invalid()
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    protected async Task SaveAsync(Course course, CancellationToken ct)
    {
        await authoring.SaveAsync(Draft, course, ct);
        Course = course;
    }

    /// <summary>Checks a required short or long text field; adds an error and returns false when it is empty or too long.</summary>
    protected bool Text(string? value, string field, int max, string missing, bool required = true)
    {
        if (required && string.IsNullOrWhiteSpace(value))
        {
            Error(field, missing);
            return false;
        }
        if (value is { } text && text.Length > max)
        {
            Error(field, "This is too long: at most {0} characters.", max);
            return false;
        }
        return true;
    }

    /// <summary>Moves the item at <paramref name="index"/> one place up (-1) or down (+1); null when the move is not possible.</summary>
    protected static List<T>? Move<T>(IReadOnlyList<T> items, int index, int by)
    {
        var target = index + by;
        if (index < 0 || index >= items.Count || target < 0 || target >= items.Count)
        {
            return null;
        }
        var list = items.ToList();
        (list[index], list[target]) = (list[target], list[index]);
        return list;
    }

    /// <summary>The first of prefix-1, prefix-2, … not in <paramref name="taken"/>.</summary>
    protected static string FreeId(string prefix, IEnumerable<string> taken)
    {
        var used = taken.ToHashSet(StringComparer.Ordinal);
        return Enumerable.Range(1, 10_000).Select(n => $"{prefix}{n}").First(id => !used.Contains(id));
    }
}
