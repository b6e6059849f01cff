using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Upstander.Features.PeerSupport.Requests;

/// <summary>The support landing page: talk to someone, your requests, the resources. Everyone signed in.</summary>
public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
