using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Auditing;
using Upstander.Platform.Tenancy;
using Upstander.Platform.Web;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>
/// An anonymous reporter comes back with their receipt and passphrase. Attempts are limited per client and across the
/// installation (429 when limited); a match starts a short follow-up session and redirects to the case (PRG).
/// </summary>
[AllowAnonymous]
[Platform.Security.AnonymousVisitor]
public sealed class FollowUpModel(
    ReportLinks links, OrganisationScope scope, ReporterFollowUp followUp, FollowUpThrottle throttle, FollowUpSession session,
    AuditLog audit, IStringLocalizer<SharedResource> t) : PageModel
{
    [FromRoute] public string Slug { get; set; } = "";
    [BindProperty] public string? Receipt { get; set; }
    [BindProperty] public string? Passphrase { get; set; }

    public string OrganisationName { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await links.EnterAsync(Slug, scope, ct) is not { } organisation)
        {
            return NotFound();
        }
        OrganisationName = organisation.Name;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await links.EnterAsync(Slug, scope, ct) is not { } organisation)
        {
            return NotFound();
        }
        OrganisationName = organisation.Name;
        if (!throttle.TryAttempt(HttpContext))
        {
            await TooManyRequests.WriteAsync(HttpContext, ct);
            return new EmptyResult();
        }
        var receipt = Receipts.Normalise(Receipt);
        var report = receipt is null || string.IsNullOrEmpty(Passphrase) || Passphrase.Length > ReportRules.PassphraseMaxLength
            ? null
            : await followUp.ByReceiptAsync(receipt, Passphrase, ct);
        if (report is null)
        {
            throttle.Failed();
            audit.Record(ReportingAudit.FollowUpRefused, ReportingAudit.TargetReport, (string?)null, outcome: "failure");
            await audit.SaveAsync(ct);
            ModelState.AddModelError(nameof(Receipt), t["That receipt and passphrase do not open a report. Check both and try again."]);
            Receipt = Passphrase = null;
            return Page();
        }
        audit.Record(ReportingAudit.FollowUpOpened, ReportingAudit.TargetReport, report.Id);
        await audit.SaveAsync(ct);
        session.Start(HttpContext, Slug, organisation.Id, report);
        return Redirect($"/report/{Slug}/follow-up/case");
    }
}
