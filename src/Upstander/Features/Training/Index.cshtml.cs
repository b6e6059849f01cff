using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Upstander.Features.Training;

public sealed record CatalogueEntry(Course Course, CourseProgress? Progress);

/// <summary>The courses open to the signed-in person, with their progress in each.</summary>
public sealed class IndexModel(Learner learner) : PageModel
{
    public IReadOnlyList<CatalogueEntry> Courses { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var progress = await learner.ProgressAsync(ct);
        Courses = (await learner.AvailableAsync(ct))
            .Select(c => new CatalogueEntry(c.Course, progress.FirstOrDefault(p => p.CourseSlug == c.Course.Slug)))
            .ToList();
    }
}
