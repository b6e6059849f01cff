using Microsoft.AspNetCore.Mvc;

namespace Upstander.Features.Training.Authoring;

/// <summary>
/// One lesson of a draft: its title and Markdown. "Preview" renders the text through the same safe
/// renderer learners get (<see cref="LessonMarkdown"/>) and saves nothing; "Save lesson" saves it.
/// </summary>
public sealed class LessonModel(CourseAuthoring authoring) : DraftPageModel(authoring)
{
    public CourseModule Module { get; private set; } = null!;
    public int Number { get; private set; }

    [BindProperty]
    public string? Title { get; set; }

    [BindProperty]
    public string? Markdown { get; set; }

    /// <summary>The rendered preview, when asked for.</summary>
    public string? PreviewHtml { get; private set; }

    [BindProperty(SupportsGet = true, Name = "saved")]
    public bool Saved { get; set; }

    private async Task<bool> LoadLessonAsync(string course, string module, int number, CancellationToken ct)
    {
        if (!await LoadAsync(course, ct) || Course.Module(module) is not { } found || number < 1 || number > found.Lessons.Count)
        {
            return false;
        }
        (Module, Number) = (found, number);
        return true;
    }

    public async Task<IActionResult> OnGetAsync(string course, string module, int number, CancellationToken ct)
    {
        if (!await LoadLessonAsync(course, module, number, ct))
        {
            return NotFound();
        }
        (Title, Markdown) = (Module.Lessons[number - 1].Title, Module.Lessons[number - 1].Markdown);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string course, string module, int number, string? command, CancellationToken ct)
    {
        if (!await LoadLessonAsync(course, module, number, ct))
        {
            return NotFound();
        }
        Text(Title, "title", CourseLimits.TitleLength, "Enter a title.");
        Text(Markdown, "markdown", CourseLimits.LessonLength, "Write the lesson's text.");
        if (Errors.Count > 0 || !ModelState.IsValid || command is not ("preview" or "save"))
        {
            return Invalid();
        }
        if (command == "preview")
        {
            PreviewHtml = LessonMarkdown.ToHtml(Markdown!);
            return Page();
        }
        var lessons = Module.Lessons.ToList();
        lessons[number - 1] = lessons[number - 1] with { Title = Title!.Trim(), Markdown = Markdown!.ReplaceLineEndings("\n").Trim() };
        await SaveAsync(Course with { Modules = [.. Course.Modules.Select(m => m.Key == Module.Key ? m with { Lessons = lessons } : m)] }, ct);
        return Redirect($"/coordinate/training/courses/{Draft.Slug}/modules/{Module.Key}/lessons/{number}?saved=true");
    }
}
