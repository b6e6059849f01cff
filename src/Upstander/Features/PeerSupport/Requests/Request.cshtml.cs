using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Features.PeerSupport.Resources;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Requests;

/// <summary>
/// One of the signed-in person's own requests: crisis resources and immediate options first when the
/// safety screen showed risk, then where it stands, and withdrawal (with confirmation). Anyone else's: 404.
/// </summary>
public sealed class RequestModel(SupportRequests requests, IStringLocalizer<SharedResource> t) : PageModel
{
    public SupportRequestRecord Record { get; private set; } = null!;
    public IReadOnlyList<SupportResource> Crisis { get; private set; } = [];
    public string? Details { get; private set; }
    public IReadOnlyList<NamedPerson> Named { get; private set; } = [];
    public bool Sent { get; private set; }

    [BindProperty] public bool Confirm { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, bool sent, CancellationToken ct)
    {
        Sent = sent;
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostWithdrawAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        if (Record.Status != RequestStatus.Waiting)
        {
            ModelState.AddModelError(nameof(Confirm), t["This request can no longer be withdrawn."]);
        }
        else if (!Confirm)
        {
            ModelState.AddModelError(nameof(Confirm), t["Tick the box to confirm that you want to withdraw the request."]);
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        await requests.WithdrawAsync(Record, ct);
        return Redirect($"/support/requests/{id}");
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await requests.OwnAsync(id, ct) is not { } record)
        {
            return false;
        }
        Record = record;
        Details = requests.OwnDetails(record);
        Named = await requests.PeopleAsync(record.NamedPeopleIds, ct);
        if (record.RiskShown && record.Status == RequestStatus.Waiting)
        {
            Crisis = await requests.CrisisResourcesAsync(ct);
        }
        return true;
    }
}
