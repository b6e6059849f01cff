using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Security;

namespace Upstander.Features.Cases;

/// <summary>Speak-up insight in aggregate only, for leaders and researchers; nothing below the minimum group size.</summary>
[Authorize(Roles = Roles.Leader + "," + Roles.Researcher)]
public sealed class InsightModel(SpeakUpInsights insights) : PageModel
{
    public SpeakUpInsight Insight { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => Insight = await insights.BuildAsync(ct);
}
