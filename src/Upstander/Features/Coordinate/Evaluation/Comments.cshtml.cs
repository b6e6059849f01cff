using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Features.Training;
using Upstander.Platform.Security;

namespace Upstander.Features.Coordinate.Evaluation;

/// <summary>
/// The free comments on one module, for coordinators only, released in whole groups of the organisation's minimum for
/// comments: without names, sorted by their text, and each reading audited (one event per view).
/// </summary>
[Authorize(Roles = Roles.Coordinator)]
public sealed class CommentsModel(TrainingEvaluationData data) : PageModel
{
    public string CourseTitle { get; private set; } = "";
    public string ModuleTitle { get; private set; } = "";
    public IReadOnlyList<string> Comments { get; private set; } = [];
    public int CommentMinimumGroupSize { get; private set; }

    public async Task<IActionResult> OnGetAsync(string course, string module, CancellationToken ct)
    {
        if ((await data.CurrentCourseAsync(course, ct))?.Course is not { } found || found.Module(module) is not { } part)
        {
            return NotFound();
        }
        if (await data.CommentsAsync(found.Slug, part.Key, ct) is not { } released)
        {
            return NotFound();
        }
        (CourseTitle, ModuleTitle, Comments, CommentMinimumGroupSize) = (found.Title, part.Title, released.Comments, released.Minimum);
        return Page();
    }
}
