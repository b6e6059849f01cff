using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Admin;

/// <summary>
/// The organisation's own settings: its name, the minimum group size every aggregate respects, the (higher) one free
/// comments are shown in groups of, and the time zone pages show moments in. Each change is audited by which settings
/// changed, never their values' history.
/// </summary>
[Authorize(Roles = Roles.Admin)]
public sealed class OrganisationModel(AppDbContext db, AuditLog audit, OrganisationZones zones, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public int? MinimumGroupSize { get; set; }
    [BindProperty] public int? CommentMinimumGroupSize { get; set; }
    [BindProperty] public string? TimeZone { get; set; }

    public List<string> Errors { get; } = [];
    public bool Saved { get; private set; }

    /// <summary>Every zone this server's time-zone data knows, by IANA name.</summary>
    public static IReadOnlyList<string> Zones { get; } = [.. TimeZoneInfo.GetSystemTimeZones()
        .Select(z => z.HasIanaId ? z.Id : TimeZoneInfo.TryConvertWindowsIdToIanaId(z.Id, out var iana) ? iana : z.Id)
        .Append(Organisation.DefaultTimeZone)
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)];

    public async Task<IActionResult> OnGetAsync(bool saved, CancellationToken ct)
    {
        var organisation = await CurrentAsync(ct);
        Name = organisation.Name;
        MinimumGroupSize = organisation.MinimumGroupSize;
        CommentMinimumGroupSize = organisation.CommentMinimumGroupSize;
        TimeZone = organisation.TimeZone;
        Saved = saved;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var organisation = await CurrentAsync(ct);
        // The entity's own rules decide; the page only turns a refusal into words.
        var name = Valid(() => Organisation.ValidName(Name), t["Give the organisation a name of at most {0} characters.", Organisation.NameMaxLength]);
        var sizeValid = MinimumGroupSize is { } size && Organisation.IsValidMinimumGroupSize(size);
        if (!sizeValid)
        {
            Errors.Add(t["The minimum group size is a whole number from {0} to {1}.", Organisation.MinimumGroupSizeFloor, Organisation.MinimumGroupSizeCeiling]);
        }
        if (CommentMinimumGroupSize is not { } comments || !Organisation.IsValidMinimumGroupSize(comments))
        {
            Errors.Add(t["The minimum group size for comments is a whole number from {0} to {1}.", Organisation.MinimumGroupSizeFloor, Organisation.MinimumGroupSizeCeiling]);
        }
        else if (sizeValid && !Organisation.IsValidCommentMinimumGroupSize(comments, MinimumGroupSize!.Value))
        {
            Errors.Add(t["The minimum group size for comments cannot be below the minimum group size ({0}).", MinimumGroupSize!.Value]);
        }
        var zone = Valid(() => Organisation.ValidTimeZone(TimeZone), t["Choose a time zone from the list."]);
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var changed = new List<string>();
        if (name != organisation.Name)
        {
            organisation.Rename(name!);
            changed.Add("name");
        }
        if (MinimumGroupSize != organisation.MinimumGroupSize)
        {
            changed.Add("minimum-group-size");
        }
        if (CommentMinimumGroupSize != organisation.CommentMinimumGroupSize)
        {
            changed.Add("comment-minimum-group-size");
        }
        organisation.SetMinimumGroupSizes(MinimumGroupSize!.Value, CommentMinimumGroupSize!.Value);
        if (zone != organisation.TimeZone)
        {
            organisation.SetTimeZone(zone);
            changed.Add("time-zone");
        }
        if (changed.Count > 0)
        {
            audit.Record(AuditActions.OrganisationSettingsChanged, "organisation", organisation.Id, detail: "changed=" + string.Join(',', changed));
            await db.SaveChangesAsync(ct);
            zones.Forget(organisation.Id);
        }
        return RedirectToPage(new { saved = true });
    }

    private string? Valid(Func<string> check, string refusal)
    {
        try
        {
            return check();
        }
        catch (ArgumentException)
        {
            Errors.Add(refusal);
            return null;
        }
    }

    private Task<Organisation> CurrentAsync(CancellationToken ct) =>
        db.Organisations.SingleAsync(o => o.Id == db.CurrentOrganisationId, ct);
}
