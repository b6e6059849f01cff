using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Web;

namespace Upstander.Features.Training;

/// <summary>Changing or deleting one of the signed-in person's own development entries; anyone else's answers 404.</summary>
public sealed class DevelopmentEntryModel(DevelopmentLog log, IStringLocalizer<SharedResource> t) : PageModel
{
    public Guid Id { get; private set; }
    public Dictionary<string, string> Errors { get; private set; } = [];

    [BindProperty] public DevelopmentForm Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await log.FindAsync(id, ct) is not { } entry)
        {
            return NotFound();
        }
        Id = id;
        Input = new DevelopmentForm
        {
            Kind = entry.Kind,
            Date = entry.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Hours = entry.Hours.ToString("0.##", CultureInfo.InvariantCulture),
            Title = entry.Title,
            Reflection = entry.Reflection,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (await log.FindAsync(id, ct) is null)
        {
            return NotFound();
        }
        Id = id;
        var (input, errors) = DevelopmentRules.Check(Input, log.Today);
        if (input is null)
        {
            Errors = errors;
            foreach (var (field, message) in errors)
            {
                ModelState.AddModelError($"Input.{field}", t[message]);
            }
            return Page();
        }
        await log.UpdateAsync(id, input, ct);
        return Redirect("/training/development?saved=updated");
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct) =>
        await log.DeleteAsync(id, ct) ? Redirect("/training/development?saved=deleted") : NotFound();
}
