using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Upstander.Platform.Security;

namespace Upstander.Features.PeerSupport.Resources;

/// <summary>Adds an entry to the resources directory, published at once.</summary>
[Authorize(Roles = Roles.Coordinator)]
public sealed class NewResourceModel(SupportResources resources) : ResourceEditorModel
{
    public void OnGet([FromQuery] string? kind)
    {
        Input.Kind = SupportResourceRules.Kinds.Any(k => k.Kind.ToString() == kind) ? kind : null;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Checked() is not { } details)
        {
            return Page();
        }
        await resources.AddAsync(details, ct);
        return Redirect("/coordinate/resources?done=added");
    }
}
