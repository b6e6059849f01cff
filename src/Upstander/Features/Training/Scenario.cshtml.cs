using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Data;
using Upstander.Platform.Web;

namespace Upstander.Features.Training;

/// <summary>
/// A practice conversation, one turn per page: the colleague speaks, the learner chooses a response,
/// sees why it helps or not, and continues; the end shows their skill profile against the best path.
/// </summary>
public sealed class ScenarioModel(Learner learner, AppDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
    public Course Course { get; private set; } = null!;
    public string Base { get; private set; } = "";
    public CourseModule Module { get; private set; } = null!;
    public Scenario Scenario { get; private set; } = null!;
    public ScenarioState State { get; private set; } = null!;
    public SkillProfile Best { get; private set; } = SkillProfile.Empty;
    public bool ShowFeedback { get; private set; }
    public CourseStep? Next { get; private set; }

    [BindProperty] public string? ResponseId { get; set; }

    public async Task<IActionResult> OnGetAsync(string course, string module, string scenario, bool feedback, CancellationToken ct)
    {
        if (await LoadAsync(course, module, scenario, create: true, ct) is { } failed)
        {
            return failed;
        }
        ShowFeedback = feedback && State.LastStep is not null;
        await db.SaveChangesAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string course, string module, string scenario, CancellationToken ct)
    {
        if (await LoadAsync(course, module, scenario, create: false, ct) is { } failed)
        {
            return failed;
        }
        if (ResponseId is null || !_run!.Choose(Scenario, ResponseId, clock.GetUtcNow()))
        {
            ModelState.AddModelError(nameof(ResponseId), t["Choose one of the responses."]);
            return Page();
        }
        if (_run.CompletedAt is not null)
        {
            await learner.CompleteAsync(_view!, _progress!, TrainingSteps.Scenario(Module.Key, Scenario.Id), ct);
        }
        await db.SaveChangesAsync(ct);
        return Redirect($"{Base}/{TrainingSteps.Scenario(Module.Key, Scenario.Id)}?feedback=true");
    }

    /// <summary>Starts the conversation again from the beginning; earlier runs are kept.</summary>
    public async Task<IActionResult> OnPostRestartAsync(string course, string module, string scenario, CancellationToken ct)
    {
        if (await LoadAsync(course, module, scenario, create: false, ct) is { } failed)
        {
            return failed;
        }
        db.Set<ScenarioRun>().Add(ScenarioRun.Begin(_progress!, Module, Scenario, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return Redirect($"{Base}/{TrainingSteps.Scenario(Module.Key, Scenario.Id)}");
    }

    private ScenarioRun? _run;
    private CourseProgress? _progress;
    private LearnerCourse? _view;

    private async Task<IActionResult?> LoadAsync(string course, string module, string scenario, bool create, CancellationToken ct)
    {
        if (await learner.OpenModuleAsync(course, module, ct) is not var (view, found, progress) || found.Scenario(scenario) is not { } script)
        {
            return create && await learner.OpenAsync(course, ct) is { Progress: null } unstarted ? Redirect(unstarted.Base) : NotFound();
        }
        _run = await db.Set<ScenarioRun>()
            .Where(r => r.CourseProgressId == progress.Id && r.ModuleKey == found.Key && r.ScenarioId == script.Id)
            .OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id)
            .FirstOrDefaultAsync(ct);
        if (_run is null)
        {
            if (!create)
            {
                return NotFound();
            }
            _run = ScenarioRun.Begin(progress, found, script, clock.GetUtcNow());
            db.Set<ScenarioRun>().Add(_run);
        }
        (_progress, _view) = (progress, view);
        var key = TrainingSteps.Scenario(found.Key, script.Id);
        if (create)
        {
            progress.Visit(key, clock.GetUtcNow());
        }
        (Course, Base, Module, Scenario, State) = (view.Course, view.Base, found, script, _run.State(script));
        Best = ScenarioEngine.BestPath(script).Profile;
        Next = CourseNavigation.Around(view.Course, key).Next;
        return null;
    }
}
