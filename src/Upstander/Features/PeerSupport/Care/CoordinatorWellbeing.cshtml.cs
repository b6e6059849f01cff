using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Features.Organisations;
using Upstander.Platform.Security;

namespace Upstander.Features.PeerSupport.Care;

/// <summary>
/// Supporter well-being for coordinators: the debrief requests (the one individual signal), and the
/// ProQOL 5 and check-ins only in aggregate over the last completed quarter, hidden below the organisation's minimum group size.
/// </summary>
[Authorize(Roles = Roles.Coordinator)]
public sealed class CoordinatorWellbeingModel(SupporterWellbeing wellbeing) : PageModel
{
    public ProqolInstrument Instrument => wellbeing.Instrument;
    public CalendarPeriod Quarter { get; } = wellbeing.Quarter;
    public IReadOnlyList<DebriefAlert> Alerts { get; private set; } = [];
    public Suppressed<ProqolAggregate> Proqol { get; private set; } = null!;
    public Suppressed<CheckInAggregate> CheckIns { get; private set; } = null!;
    public string? Marked { get; private set; }

    public async Task OnGetAsync(string? marked, CancellationToken ct)
    {
        Marked = marked is DebriefStatus.Arranged or DebriefStatus.Done ? marked : null;
        Alerts = await wellbeing.DebriefAlertsAsync(ct);
        Proqol = await wellbeing.ProqolAggregateAsync(ct);
        CheckIns = await wellbeing.CheckInAggregateAsync(ct);
    }
}
