using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Security;

namespace Upstander.Features.Supporter;

[Authorize(Roles = Roles.PeerSupporter)]
public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
