using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.PeerSupport.Care;

/// <summary>One debrief request: who asked, when and how soon, the note (its reading audited), and marking it arranged or done.</summary>
[Authorize(Roles = Roles.Coordinator)]
public sealed class DebriefAlertPageModel(SupporterCare care, AppDbContext db) : PageModel
{
    public DebriefRequest Current { get; private set; } = null!;
    public string Name { get; private set; } = "";
    public string? Note { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        Note = await care.ReadDebriefNoteAsync(Current, ct);
        return Page();
    }

    public Task<IActionResult> OnPostArrangedAsync(Guid id, CancellationToken ct) => MarkAsync(id, DebriefStatus.Arranged, ct);

    public Task<IActionResult> OnPostDoneAsync(Guid id, CancellationToken ct) => MarkAsync(id, DebriefStatus.Done, ct);

    private async Task<IActionResult> MarkAsync(Guid id, string status, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        await care.MarkDebriefAsync(Current, status, ct);
        return Redirect(SupporterCare.WellbeingPath + "?marked=" + status);
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await care.DebriefAsync(id, ct) is not { } request)
        {
            return false;
        }
        Current = request;
        Name = await db.People.Where(p => p.Id == request.PersonId).Select(p => p.Name).SingleAsync(ct);
        return true;
    }
}
