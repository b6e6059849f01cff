using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Security;

namespace Upstander.Features.Insights;

[Authorize(Roles = Roles.Leader)]
public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
