using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>A named reporter's own report: status, deadlines, what they wrote, messages and check-ins. Anyone else: 404.</summary>
public sealed class ReportViewModel(ReporterFollowUp followUp, CurrentActor actor, IStringLocalizer<SharedResource> t) : FollowUpPageBase(followUp, t)
{
    private readonly ReporterFollowUp _followUp = followUp;

    [FromRoute] public Guid Id { get; set; }

    protected override string Action => $"/speak-up/reports/{Id}";

    protected override Task<ReportRecord?> ReportAsync(CancellationToken ct) => _followUp.OwnAsync(actor.PersonId!.Value, Id, ct);

    public Task<IActionResult> OnGetAsync(bool sent, CancellationToken ct) => ShowAsync(sent, ct);
}
