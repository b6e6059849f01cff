using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.PeerSupport.Resources;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Requests;

/// <summary>
/// One of the signed-in person's own requests: crisis resources and immediate options first when the
/// safety screen showed risk, then where it stands, and withdrawal (with confirmation). Anyone else's: 404.
/// </summary>
public sealed class RequestModel(SupportRequests requests, SupportOffers offers, WorkMail mail, IStringLocalizer<SharedResource> t) : PageModel
{
    /// <summary>The request's page, for its requester only: emails that send them there link it.</summary>
    public static string Path(Guid id) => $"/support/requests/{id:D}";

    public SupportRequestRecord Record { get; private set; } = null!;
    public IReadOnlyList<SupportResource> Crisis { get; private set; } = [];
    public string? Details { get; private set; }
    public IReadOnlyList<NamedPerson> Named { get; private set; } = [];
    public bool Sent { get; private set; }

    [BindProperty] public bool Confirm { get; set; }

    public bool Blocked { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, bool sent, bool chosen, bool blocked, string? email, CancellationToken ct)
    {
        (Sent, Chosen, Blocked, EmailDone) = (sent, chosen, blocked, email);
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    // ---- The email about choosing again ----

    /// <summary>"on" or "off", posted by the form in the section about the email.</summary>
    [BindProperty] public string? ChooseAgainEmail { get; set; }

    /// <summary>
    /// Whether the page offers the email about choosing again: only while mail is on and the request could still come back
    /// to its requester (<see cref="RequesterMatching.MayComeBack"/>).
    /// </summary>
    public bool OffersChooseAgainEmail { get; private set; }

    /// <summary>The choice just saved ("on" or "off"), for the confirmation.</summary>
    public string? EmailDone { get; private set; }

    /// <summary>
    /// The requester turns the email about choosing again on or off for this request. It is off until they do: even an
    /// email that says nothing tells whoever reads their work mailbox that they asked for support. Refused (400, nothing
    /// changes) for anything but "on" or "off", and whenever the page does not offer the choice
    /// (<see cref="OffersChooseAgainEmail"/>: mail off, or a request that can no longer come back).
    /// </summary>
    public async Task<IActionResult> OnPostChooseAgainEmailAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        if (ChooseAgainEmail is not ("on" or "off"))
        {
            ModelState.AddModelError(nameof(ChooseAgainEmail), t["Choose whether to be emailed if you need to choose a supporter again."]);
            return Page();
        }
        // As the form: only while mail is on and the request could still come back (otherwise the page never offered it).
        if (!OffersChooseAgainEmail)
        {
            ModelState.AddModelError(nameof(ChooseAgainEmail), mail.Enabled
                ? t["This request can no longer come back to you to choose a supporter, so there is nothing to email you about."]
                : t["Upstander does not send email here, so it cannot email you about this. This page will show it if you need to choose a supporter again."]);
            return Page();
        }
        await offers.SetChooseAgainEmailAsync(Record, ChooseAgainEmail == "on", ct);
        return Redirect($"{Path(id)}?email={ChooseAgainEmail}#choose-again-email");
    }

    public async Task<IActionResult> OnPostWithdrawAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        if (Record.Status is not (RequestStatus.Waiting or RequestStatus.Offered))
        {
            ModelState.AddModelError(nameof(Confirm), t["This request can no longer be withdrawn."]);
        }
        else if (!Confirm)
        {
            ModelState.AddModelError(nameof(Confirm), t["Tick the box to confirm that you want to withdraw the request."]);
        }
        if (ModelState.IsValid && !await offers.WithdrawAsync(Record, ct))
        {
            ModelState.AddModelError(nameof(Confirm), t["This request can no longer be withdrawn."]);
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync(id, ct);
            return Page();
        }
        return Redirect($"/support/requests/{id}");
    }

    // ---- Matching (the section in _Matching.cshtml) ----

    /// <summary>Where the request stands with matching: suggestions, the offer's deadline or why this supporter.</summary>
    public RequesterMatching? Matching { get; private set; }

    public bool Chosen { get; private set; }

    /// <summary>The requester chooses one of the suggestions; the hard rules are checked again before it is offered.</summary>
    public async Task<IActionResult> OnPostChooseAsync(Guid id, string? token, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        switch (await offers.ChooseAsync(Record, token, ct))
        {
            case ChooseResult.Offered:
                return Redirect($"/support/requests/{id}?chosen=true");
            case ChooseResult.NoLongerPossible:
                ModelState.AddModelError("token", t["That supporter can no longer take your request. Here are fresh suggestions."]);
                break;
            default:
                ModelState.AddModelError("token", t["Choose one of the suggestions shown."]);
                break;
        }
        await LoadAsync(id, ct);
        return Page();
    }

    /// <summary>"Don't match me with this supporter again": blocks the supporter who took this request on.</summary>
    public async Task<IActionResult> OnPostBlockSupporterAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        if (!Confirm || !Matching!.CanBlockSupporter)
        {
            ModelState.AddModelError(nameof(Confirm), t["Tick the box to confirm that you never want to be matched with this supporter again."]);
            return Page();
        }
        await offers.BlockSupporterOfAsync(Record, ct);
        return Redirect($"/support/requests/{id}?blocked=true");
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
        Matching = await offers.ForRequesterAsync(record, ct);
        OffersChooseAgainEmail = mail.Enabled && Matching.MayComeBack;
        if (record.CrisisFirst)
        {
            Crisis = await requests.CrisisResourcesAsync(ct);
        }
        return true;
    }
}
