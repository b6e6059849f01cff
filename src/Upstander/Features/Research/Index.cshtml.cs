using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Security;

namespace Upstander.Features.Research;

[Authorize(Roles = Roles.Researcher)]
public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
