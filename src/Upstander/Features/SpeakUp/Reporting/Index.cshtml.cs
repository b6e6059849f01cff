using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>Speaking up: what happens to a report, the three ways to send one, the journal and peer support. Everyone signed in.</summary>
public sealed class IndexModel(ReportLinks links) : PageModel
{
    public string Slug { get; private set; } = "";

    public async Task OnGetAsync(CancellationToken ct) => Slug = await links.SlugAsync(ct);
}
