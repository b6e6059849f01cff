using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Web;

namespace Upstander.Features.Training;

/// <summary>The continuing-development log: the signed-in supporter's (or candidate's) own entries, totals for the last 12 months, and adding one.</summary>
public sealed class DevelopmentModel(DevelopmentLog log, IStringLocalizer<SharedResource> t) : PageModel
{
    public IReadOnlyList<DevelopmentEntryView> Entries { get; private set; } = [];
    public IReadOnlyDictionary<string, decimal> Totals { get; private set; } = new Dictionary<string, decimal>();
    public DateOnly Today { get; private set; }
    public DateOnly PeriodStart => Today.AddYears(-1).AddDays(1);
    public string? Saved { get; private set; }
    public Dictionary<string, string> Errors { get; private set; } = [];

    [BindProperty] public DevelopmentForm Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(string? saved, CancellationToken ct)
    {
        if (!await log.MayKeepAsync(ct))
        {
            return Forbid();
        }
        Saved = saved is "added" or "updated" or "deleted" ? saved : null;
        Input = new DevelopmentForm { Kind = DevelopmentKind.Training, Date = log.Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) };
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await log.MayKeepAsync(ct))
        {
            return Forbid();
        }
        var (input, errors) = DevelopmentRules.Check(Input, log.Today);
        if (input is null)
        {
            Errors = errors;
            foreach (var (field, message) in errors)
            {
                ModelState.AddModelError($"Input.{field}", t[message]);
            }
            await LoadAsync(ct);
            return Page();
        }
        await log.AddAsync(input, ct);
        return Redirect("/training/development?saved=added");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Today = log.Today;
        Entries = await log.EntriesAsync(ct);
        Totals = DevelopmentKind.All.ToDictionary(k => k, k => Entries.Where(e => e.Kind == k && e.Date >= PeriodStart && e.Date <= Today).Sum(e => e.Hours));
    }
}
