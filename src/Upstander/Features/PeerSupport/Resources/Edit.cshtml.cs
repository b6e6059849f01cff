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

    public Task<IActionResult> OnPostArchiveAsync(Guid id, CancellationToken ct) =>
        ChangeStatusAsync(id, resources.ArchiveAsync, "archived", ct);

    public Task<IActionResult> OnPostRestoreAsync(Guid id, CancellationToken ct) =>
        ChangeStatusAsync(id, resources.RestoreAsync, "restored", ct);

    private async Task<IActionResult> ChangeStatusAsync(Guid id, Func<SupportResource, CancellationToken, Task> change, string done, CancellationToken ct)
    {
        if (await resources.EditableAsync(id, ct) is not { } resource)
        {
            return NotFound();
        }
        await change(resource, ct);
        return Redirect("/coordinate/resources?done=" + done);
    }
}
