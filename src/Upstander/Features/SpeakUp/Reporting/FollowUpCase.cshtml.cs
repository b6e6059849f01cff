using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Tenancy;
using Upstander.Platform.Web;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>A report opened by its receipt, while the follow-up session lasts: the same view as the named reporter's page.</summary>
[AllowAnonymous]
[Platform.Security.AnonymousVisitor]
public sealed class FollowUpCaseModel(
    ReporterFollowUp followUp, ReportLinks links, OrganisationScope scope, FollowUpSession session, IStringLocalizer<SharedResource> t)
    : FollowUpPageBase(followUp, t)
{
    private readonly ReporterFollowUp _followUp = followUp;
    private bool _organisationFound;

    [FromRoute] public string Slug { get; set; } = "";

    protected override string Action => $"/report/{Slug}/follow-up/case";

    protected override bool Anonymous => true;

    protected override async Task<ReportRecord?> ReportAsync(CancellationToken ct)
    {
        if (await links.EnterAsync(Slug, scope, ct) is not { } organisation)
        {
            return null;
        }
        _organisationFound = true;
        return session.Opened(HttpContext, organisation.Id) is { } opened ? await _followUp.ByFollowUpSessionAsync(opened.ReportId, opened.ReceiptLookup, ct) : null;
    }

    protected override IActionResult Missing() => _organisationFound ? Redirect($"/report/{Slug}/follow-up") : NotFound();

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(false, ct);

    public async Task<IActionResult> OnPostEndAsync(CancellationToken ct)
    {
        if (await links.EnterAsync(Slug, scope, ct) is null)
        {
            return NotFound();
        }
        FollowUpSession.End(HttpContext, Slug);
        return Redirect($"/report/{Slug}/follow-up?done=ended");
    }
}
