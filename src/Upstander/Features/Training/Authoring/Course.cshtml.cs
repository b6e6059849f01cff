using Microsoft.AspNetCore.Mvc;

namespace Upstander.Features.Training.Authoring;

/// <summary>A course's draft: its details, its modules in order, publishing and discarding.</summary>
public sealed class CourseModel(CourseAuthoring authoring) : DraftPageModel(authoring)
{
    /// <summary>The version learners get now, when the organisation has no draft yet (the page then offers "Edit").</summary>
    public PublishedCourse? Current { get; private set; }

    public bool HasDraft { get; private set; }

    /// <summary>Why the draft could not be published, each naming the part it concerns.</summary>
    public IReadOnlyList<string> Problems { get; private set; } = [];

    [BindProperty(SupportsGet = true, Name = "saved")]
    public string? Saved { get; set; }

    [BindProperty]
    public string? Title { get; set; }

    [BindProperty]
    public string? Summary { get; set; }

    [BindProperty]
    public string? Audience { get; set; }

    [BindProperty]
    public string? ModuleTitle { get; set; }

    public async Task<IActionResult> OnGetAsync(string course, CancellationToken ct)
    {
        if (await LoadAsync(course, ct))
        {
            HasDraft = true;
            (Title, Summary, Audience) = (Course.Title, Course.Summary, Course.Audience);
            return Page();
        }
        Current = await Authoring.CurrentAsync(course, ct);
        return Current is null ? NotFound() : Page();
    }

    /// <summary>Makes the draft (copied from the version learners get now), or opens the one there is.</summary>
    public async Task<IActionResult> OnPostEditAsync(string course, CancellationToken ct) =>
        await Authoring.StartEditingAsync(course, ct) is { } draft ? Redirect($"/coordinate/training/courses/{draft.Slug}") : NotFound();

    public async Task<IActionResult> OnPostDetailsAsync(string course, CancellationToken ct)
    {
        if (!await LoadAsync(course, ct))
        {
            return NotFound();
        }
        HasDraft = true;
        Text(Title, "title", CourseLimits.TitleLength, "Enter a title.");
        Text(Summary, "summary", CourseLimits.TextLength, "Enter a summary.");
        if (Audience is not (CourseAudience.Everyone or CourseAudience.Candidates))
        {
            Error("audience-everyone", "Choose who the course is for.");
        }
        if (Errors.Count > 0 || !ModelState.IsValid)
        {
            return Invalid();
        }
        await SaveAsync(Course with { Title = Title!.Trim(), Summary = Summary!.Trim(), Audience = Audience! }, ct);
        return Redirect($"/coordinate/training/courses/{course}?saved=details");
    }

    public async Task<IActionResult> OnPostAddModuleAsync(string course, CancellationToken ct)
    {
        if (!await LoadAsync(course, ct))
        {
            return NotFound();
        }
        (HasDraft, Title, Summary, Audience) = (true, Course.Title, Course.Summary, Course.Audience);
        Text(ModuleTitle, "module-title", CourseLimits.TitleLength, "Enter the new module's title.");
        if (Course.Modules.Count >= CourseLimits.Modules)
        {
            Error("module-title", "A course has at most {0} modules.", CourseLimits.Modules);
        }
        if (Errors.Count > 0 || !ModelState.IsValid)
        {
            return Invalid();
        }
        var key = FreeId("module-", Course.Modules.Select(m => m.Key));
        var module = new CourseModule(key, ModuleTitle!.Trim(), "", 15, [], null, [], false);
        await SaveAsync(Course with { Modules = [.. Course.Modules, module] }, ct);
        return Redirect($"/coordinate/training/courses/{course}/modules/{key}");
    }

    /// <summary>Moves a module up or down, or removes it.</summary>
    public async Task<IActionResult> OnPostModuleAsync(string course, string? key, string? command, CancellationToken ct)
    {
        if (!await LoadAsync(course, ct))
        {
            return NotFound();
        }
        var index = Course.Modules.ToList().FindIndex(m => m.Key == key);
        var modules = command switch
        {
            "up" => Move(Course.Modules, index, -1),
            "down" => Move(Course.Modules, index, +1),
            "remove" when index >= 0 => Course.Modules.Where((_, i) => i != index).ToList(),
            _ => null,
        };
        if (modules is null)
        {
            return BadRequest();
        }
        await SaveAsync(Course with { Modules = modules }, ct);
        return Redirect($"/coordinate/training/courses/{course}?saved=modules");
    }

    public async Task<IActionResult> OnPostPublishAsync(string course, CancellationToken ct)
    {
        if (!await LoadAsync(course, ct))
        {
            return NotFound();
        }
        (HasDraft, Title, Summary, Audience) = (true, Course.Title, Course.Summary, Course.Audience);
        var (published, problems) = await Authoring.PublishAsync(Draft, ct);
        if (published is null)
        {
            Problems = problems;
            return Invalid();
        }
        return Redirect($"/coordinate/training/courses?published={published.Course.Slug}");
    }

    public async Task<IActionResult> OnPostDiscardAsync(string course, CancellationToken ct)
    {
        if (!await LoadAsync(course, ct))
        {
            return NotFound();
        }
        await Authoring.DiscardAsync(Draft, ct);
        return Redirect("/coordinate/training/courses?discarded=1");
    }
}
