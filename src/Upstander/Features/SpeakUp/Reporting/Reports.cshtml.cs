using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Security;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>The reports a signed-in person sent with their name. Everyone signed in; only their own.</summary>
public sealed class ReportsModel(ReporterFollowUp followUp, CurrentActor actor) : PageModel
{
    public IReadOnlyList<ReportRecord> Reports { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Reports = await followUp.OwnAsync(actor.PersonId!.Value, ct);
}
