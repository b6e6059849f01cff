using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Web;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>Editing or deleting one of the signed-in person's own journal entries; anyone else's answers 404.</summary>
public sealed class JournalEntryModel(IncidentJournal journal, IStringLocalizer<SharedResource> t) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public string? Text { get; set; }

    public JournalView Entry { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await journal.OwnAsync(Id, ct) is not { } entry)
        {
            return NotFound();
        }
        Entry = journal.Open(entry);
        Text = Entry.Text;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await journal.OwnAsync(Id, ct) is not { } entry)
        {
            return NotFound();
        }
        if (IncidentJournal.Check(Text) is { } problem)
        {
            ModelState.AddModelError(nameof(Text), t[problem]);
            Entry = journal.Open(entry);
            return Page();
        }
        await journal.EditAsync(entry, Text!, ct);
        return Redirect("/speak-up/journal?done=written");
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken ct)
    {
        if (await journal.OwnAsync(Id, ct) is not { } entry)
        {
            return NotFound();
        }
        await journal.DeleteAsync(entry, ct);
        return Redirect("/speak-up/journal?done=deleted");
    }
}
