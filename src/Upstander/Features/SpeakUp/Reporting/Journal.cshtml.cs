using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Web;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>The private incident journal: the signed-in person's own entries, newest first, and a form to write one.</summary>
public sealed class JournalModel(IncidentJournal journal, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty] public string? Text { get; set; }

    public IReadOnlyList<JournalView> Entries { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Entries = await journal.ListAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (IncidentJournal.Check(Text) is { } problem)
        {
            ModelState.AddModelError(nameof(Text), t[problem]);
            Entries = await journal.ListAsync(ct);
            return Page();
        }
        await journal.WriteAsync(Text!, ct);
        return Redirect("/speak-up/journal?done=written");
    }
}
