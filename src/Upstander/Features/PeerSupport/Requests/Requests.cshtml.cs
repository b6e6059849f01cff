using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Upstander.Features.PeerSupport.Requests;

/// <summary>The signed-in person's own requests and where each stands. Nobody else's.</summary>
public sealed class RequestsModel(SupportRequests requests) : PageModel
{
    public IReadOnlyList<SupportRequestRecord> Own { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Own = await requests.OwnAsync(ct);
}
