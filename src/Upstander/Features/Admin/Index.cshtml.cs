using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Security;

namespace Upstander.Features.Admin;

[Authorize(Roles = Roles.Admin)]
public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
