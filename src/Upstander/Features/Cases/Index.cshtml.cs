using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Security;

namespace Upstander.Features.Cases;

[Authorize(Roles = Roles.CaseManager)]
public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
