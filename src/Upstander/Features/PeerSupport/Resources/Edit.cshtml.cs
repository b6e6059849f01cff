using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Upstander.Platform.Security;

namespace Upstander.Features.PeerSupport.Resources;

/// <summary>Edits, archives or restores one entry of the resources directory; an unknown id is 404.</summary>
[Authorize(Roles = Roles.Coordinator)]
public sealed class EditResourceModel(SupportResources resources) : ResourceEditorModel
{
    public SupportResource Resource { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await resources.EditableAsync(id, ct) is not { } resource)
        {
            return NotFound();
        }
        Resource = resource;
        Input = SupportResourceInput.From(resource.Details());
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (await resources.EditableAsync(id, ct) is not { } resource)
        {
            return NotFound();
        }
        Resource = resource;
        if (Checked() is not { } details)
        {
            return Page();
        }
        await resources.UpdateAsync(resource, details, ct);
        return Redirect("/coordinate/resources?done=saved");
    }

    public async Task<IActionResult> OnPostArchiveAsync(Guid id, CancellationToken ct)
    {
        if (await resources.EditableAsync(id, ct) is not { } resource)
        {
            return NotFound();
        }
        await resources.ArchiveAsync(resource, ct);
        return Redirect("/coordinate/resources?done=archived");
    }

    public async Task<IActionResult> OnPostRestoreAsync(Guid id, CancellationToken ct)
    {
        if (await resources.EditableAsync(id, ct) is not { } resource)
        {
            return NotFound();
        }
        await resources.RestoreAsync(resource, ct);
        return Redirect("/coordinate/resources?done=restored");
    }
}
