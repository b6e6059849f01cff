using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Security;

namespace Upstander.Features.PeerSupport.Requests;

/// <summary>The coordinators' alert list: requests the safety screen raised. When, urgency, status and a name only if allowed; never the text.</summary>
[Authorize(Roles = Roles.Coordinator)]
public sealed class CoordinatorRequestsModel(SupportRequests requests) : PageModel
{
    public IReadOnlyList<CoordinatorRequestRow> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Rows = await requests.RaisedForCoordinatorsAsync(ct);
}
