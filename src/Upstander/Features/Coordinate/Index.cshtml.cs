using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Security;

namespace Upstander.Features.Coordinate;

[Authorize(Roles = Roles.Coordinator)]
public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
