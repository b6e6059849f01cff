using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Security;

namespace Upstander.Features.PeerSupport.Resources;

/// <summary>The coordinator's view of the resources directory: published entries by kind, archived ones apart.</summary>
[Authorize(Roles = Roles.Coordinator)]
public sealed class ResourceListModel(SupportResources resources) : PageModel
{
    public IReadOnlyList<SupportResource> Published { get; private set; } = [];
    public IReadOnlyList<SupportResource> Archived { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var all = await resources.ListAsync(new ResourceFilter(IncludeArchived: true), ct);
        Published = all.Where(r => !r.IsArchived).ToList();
        Archived = all.Where(r => r.IsArchived).ToList();
    }
}
