using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;

namespace Upstander.Features.Training;

/// <summary>A printable certificate for a completed course.</summary>
public sealed class CertificateModel(Learner learner, AppDbContext db) : PageModel
{
    public Course Course { get; private set; } = null!;
    public string Name { get; private set; } = "";
    public DateTimeOffset CompletedAt { get; private set; }

    public async Task<IActionResult> OnGetAsync(string course, CancellationToken ct)
    {
        if (await learner.OpenAsync(course, ct) is not { Progress.CompletedAt: { } completed } view)
        {
            return NotFound();
        }
        Course = view.Course;
        CompletedAt = completed;
        Name = await db.People.Where(p => p.Id == view.Progress.PersonId).Select(p => p.Name).SingleAsync(ct);
        return Page();
    }
}
