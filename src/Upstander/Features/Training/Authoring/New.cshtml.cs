using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Security;

namespace Upstander.Features.Training.Authoring;

/// <summary>Creates a course of the organisation's own, as a draft.</summary>
[Authorize(Roles = Roles.Coordinator)]
public sealed class NewModel(CourseAuthoring authoring) : PageModel
{
    public sealed class NewCourseInput
    {
        public string? Slug { get; set; }
        public string? Title { get; set; }
        public string? Summary { get; set; }
        public string? Audience { get; set; } = CourseAudience.Everyone;
    }

    [BindProperty]
    public NewCourseInput Input { get; set; } = new();

    public List<FieldError> Errors { get; } = [];

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var input = new NewCourse(Input.Slug?.Trim() ?? "", Input.Title ?? "", Input.Summary ?? "", Input.Audience ?? "");
        Errors.AddRange((await authoring.CheckNewAsync(input, ct)).Select(p => new FieldError(p.Field, p.Message)));
        if (!ModelState.IsValid || Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var draft = await authoring.CreateAsync(input, ct);
        return Redirect($"/coordinate/training/courses/{draft.Slug}");
    }
}
