using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;

namespace Upstander.Features.Training.Authoring;

/// <summary>One module of a draft: its details, lessons in order, knowledge check and scenarios.</summary>
public sealed partial class ModuleModel(CourseAuthoring authoring) : DraftPageModel(authoring)
{
    public CourseModule Module { get; private set; } = null!;
    public int Index { get; private set; }

    [BindProperty(SupportsGet = true, Name = "saved")]
    public string? Saved { get; set; }

    [BindProperty]
    public string? Title { get; set; }

    [BindProperty]
    public string? Summary { get; set; }

    [BindProperty]
    public int? Minutes { get; set; }

    [BindProperty]
    public bool Refresher { get; set; }

    [BindProperty]
    public string? NewTitle { get; set; }

    private string Here => $"/coordinate/training/courses/{Draft.Slug}/modules/{Module.Key}";

    private async Task<bool> LoadModuleAsync(string course, string module, CancellationToken ct)
    {
        if (!await LoadAsync(course, ct) || Course.Module(module) is not { } found)
        {
            return false;
        }
        (Module, Index) = (found, Course.Modules.ToList().IndexOf(found));
        return true;
    }

    private void Show() => (Title, Summary, Minutes, Refresher) = (Module.Title, Module.Summary, Module.Minutes, Module.Refresher);

    private Task SaveModuleAsync(CourseModule module, CancellationToken ct) =>
        SaveAsync(Course with { Modules = [.. Course.Modules.Select(m => m.Key == Module.Key ? module : m)] }, ct);

    public async Task<IActionResult> OnGetAsync(string course, string module, CancellationToken ct)
    {
        if (!await LoadModuleAsync(course, module, ct))
        {
            return NotFound();
        }
        Show();
        return Page();
    }

    public async Task<IActionResult> OnPostDetailsAsync(string course, string module, CancellationToken ct)
    {
        if (!await LoadModuleAsync(course, module, ct))
        {
            return NotFound();
        }
        Text(Title, "title", CourseLimits.TitleLength, "Enter a title.");
        Text(Summary, "summary", CourseLimits.TextLength, "Enter a summary.");
        if (Minutes is not (>= 1 and <= 600))
        {
            Error("minutes", "Enter the minutes the module takes, from 1 to 600.");
        }
        if (Errors.Count > 0 || !ModelState.IsValid)
        {
            return Invalid();
        }
        await SaveModuleAsync(Module with { Title = Title!.Trim(), Summary = Summary!.Trim(), Minutes = Minutes!.Value, Refresher = Refresher }, ct);
        return Redirect(Here + "?saved=details");
    }

    public async Task<IActionResult> OnPostAddLessonAsync(string course, string module, CancellationToken ct)
    {
        if (!await LoadModuleAsync(course, module, ct))
        {
            return NotFound();
        }
        Show();
        Text(NewTitle, "lesson-title", CourseLimits.TitleLength, "Enter the new lesson's title.");
        if (Module.Lessons.Count >= CourseLimits.LessonsPerModule)
        {
            Error("lesson-title", "A module has at most {0} lessons.", CourseLimits.LessonsPerModule);
        }
        if (Errors.Count > 0 || !ModelState.IsValid)
        {
            return Invalid();
        }
        var file = FreeId("lesson-", Module.Lessons.Select(l => Path.GetFileNameWithoutExtension(l.File))) + ".md";
        await SaveModuleAsync(Module with { Lessons = [.. Module.Lessons, new Lesson(file, NewTitle!.Trim(), "")] }, ct);
        return Redirect($"{Here}/lessons/{Module.Lessons.Count + 1}");
    }

    /// <summary>Moves a lesson up or down, or removes it.</summary>
    public async Task<IActionResult> OnPostLessonAsync(string course, string module, int number, string? command, CancellationToken ct)
    {
        if (!await LoadModuleAsync(course, module, ct))
        {
            return NotFound();
        }
        var index = number - 1;
        var lessons = command switch
        {
            "up" => Move(Module.Lessons, index, -1),
            "down" => Move(Module.Lessons, index, +1),
            "remove" when index >= 0 && index < Module.Lessons.Count => Module.Lessons.Where((_, i) => i != index).ToList(),
            _ => null,
        };
        if (lessons is null)
        {
            return BadRequest();
        }
        await SaveModuleAsync(Module with { Lessons = lessons }, ct);
        return Redirect(Here + "?saved=lessons");
    }

    public async Task<IActionResult> OnPostAddCheckAsync(string course, string module, CancellationToken ct)
    {
        if (!await LoadModuleAsync(course, module, ct))
        {
            return NotFound();
        }
        if (Module.Check is null)
        {
            await SaveModuleAsync(Module with { Check = new KnowledgeCheck(0.8, [CheckModel.BlankQuestion("q1")]) }, ct);
        }
        return Redirect(Here + "/check");
    }

    public async Task<IActionResult> OnPostRemoveCheckAsync(string course, string module, CancellationToken ct)
    {
        if (!await LoadModuleAsync(course, module, ct))
        {
            return NotFound();
        }
        await SaveModuleAsync(Module with { Check = null }, ct);
        return Redirect(Here + "?saved=check");
    }

    public async Task<IActionResult> OnPostAddScenarioAsync(string course, string module, CancellationToken ct)
    {
        if (!await LoadModuleAsync(course, module, ct))
        {
            return NotFound();
        }
        Show();
        Text(NewTitle, "scenario-title", CourseLimits.TitleLength, "Enter the new scenario's title.");
        if (Module.Scenarios.Count >= CourseLimits.ScenariosPerModule)
        {
            Error("scenario-title", "A module has at most {0} scenarios.", CourseLimits.ScenariosPerModule);
        }
        if (Errors.Count > 0 || !ModelState.IsValid)
        {
            return Invalid();
        }
        var stem = NotSlug().Replace(NewTitle!.Trim().ToLowerInvariant(), "-").Trim('-');
        var id = FreeId((stem.Length is > 0 and <= 40 ? stem : "scenario") + "-", Module.Scenarios.Select(s => s.Id));
        var scenario = new Scenario(id, NewTitle.Trim(), "", "", "start", new Dictionary<string, ScenarioNode>
        {
            ["start"] = new("", [ScenarioModel.BlankResponse("r1", "end"), ScenarioModel.BlankResponse("r2", "end")]),
            ["end"] = new("", End: true, Outcome: ""),
        });
        await SaveModuleAsync(Module with { Scenarios = [.. Module.Scenarios, scenario] }, ct);
        return Redirect($"{Here}/scenarios/{id}");
    }

    public async Task<IActionResult> OnPostRemoveScenarioAsync(string course, string module, string? id, CancellationToken ct)
    {
        if (!await LoadModuleAsync(course, module, ct))
        {
            return NotFound();
        }
        if (Module.Scenario(id ?? "") is null)
        {
            return BadRequest();
        }
        await SaveModuleAsync(Module with { Scenarios = [.. Module.Scenarios.Where(s => s.Id != id)] }, ct);
        return Redirect(Here + "?saved=scenarios");
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotSlug();
}
