using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>
/// A named reporter's own report: status, deadlines, what they wrote, messages and check-ins, and a receipt they can
/// set up to follow it without their account (after leaving, or when they cannot sign in). Anyone else: 404.
/// </summary>
public sealed class ReportViewModel(
    ReporterFollowUp followUp, CurrentActor actor, ReportLinks links, IConfiguration configuration, IStringLocalizer<SharedResource> t)
    : FollowUpPageBase(followUp, t)
{
    private readonly ReporterFollowUp _followUp = followUp;
    private readonly IStringLocalizer<SharedResource> _t = t;

    [FromRoute] public Guid Id { get; set; }

    [BindProperty] public string? ReceiptPassphrase { get; set; }
    [BindProperty] public string? ReceiptPassphraseConfirmation { get; set; }

    /// <summary>Whether a receipt opens this report now.</summary>
    public bool HasReceipt { get; private set; }

    /// <summary>Set only in the answer to setting up a receipt: the receipt, grouped, shown this once, and where to use it.</summary>
    public ReceiptShown? Issued { get; private set; }

    protected override string Action => $"/speak-up/reports/{Id}";

    protected override Task<ReportRecord?> ReportAsync(CancellationToken ct) => _followUp.OwnAsync(actor.PersonId!.Value, Id, ct);

    public Task<IActionResult> OnGetAsync(bool sent, CancellationToken ct) => ShowAsync(sent, ct);

    /// <summary>Sets up (or replaces) the receipt with the passphrase chosen; the answer shows the receipt once.</summary>
    public async Task<IActionResult> OnPostReceiptAsync(CancellationToken ct)
    {
        if (await ReportAsync(ct) is not { } report)
        {
            return NotFound();
        }
        var problem = report.ContentErased
            ? "What this report held has been removed under the retention policy, so there is nothing left to follow with a receipt."
            : ReportRules.CheckPassphrase(ReceiptPassphrase, ReceiptPassphraseConfirmation);
        if (problem is not null)
        {
            ModelState.AddModelError(nameof(ReceiptPassphrase), _t[problem]);
            ReceiptPassphrase = ReceiptPassphraseConfirmation = null;
            return await ShowAsync(false, ct);
        }
        var receipt = await _followUp.IssueReceiptAsync(report, ReceiptPassphrase!, ct);
        Issued = ReceiptShown.Of(receipt, await links.SlugAsync(ct), configuration, Request);
        ReceiptPassphrase = ReceiptPassphraseConfirmation = null;
        return await ShowAsync(false, ct);
    }

    public async Task<IActionResult> OnPostWithdrawReceiptAsync(CancellationToken ct)
    {
        if (await ReportAsync(ct) is not { } report)
        {
            return NotFound();
        }
        if (!report.HasReceipt)
        {
            ModelState.AddModelError(nameof(ReceiptPassphrase), _t["This report has no receipt to withdraw."]);
            return await ShowAsync(false, ct);
        }
        await _followUp.WithdrawReceiptAsync(report, ct);
        return Redirect(Action + "?done=receipt-withdrawn#receipt-heading");
    }

    protected override void Showing(ReportRecord report) => HasReceipt = report.HasReceipt;
}

/// <summary>A receipt as the page shows it once: its digits, grouped, and the full address of the follow-up page.</summary>
public sealed record ReceiptShown(string Receipt, string FollowUpAddress)
{
    /// <summary>The receipt's 16 digits, grouped, with the organisation's follow-up address (from <c>PublicUrl</c>, else the address the request came to).</summary>
    public static ReceiptShown Of(string receipt, string slug, IConfiguration configuration, HttpRequest request) =>
        new(Receipts.Format(receipt), PublicUrl.Of(configuration, $"{request.Scheme}://{request.Host}") + FollowUpSession.PathFor(slug));
}
