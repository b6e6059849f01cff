using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Cases;

public sealed record RuleRow(Guid Id, int Position, string? Category, string? Location, string? Department, string? CaseManager);

/// <summary>
/// Routing rules, for case managers and administrators: which case manager (or the pool) gets reports by category,
/// location and department; and running the rules over the waiting cases now. Shows no report and no count of reports.
/// </summary>
[Authorize(Roles = Roles.CaseManager + "," + Roles.Admin)]
public sealed partial class RoutingModel(AppDbContext db, CaseConflicts conflicts, CaseIntake intake, AuditLog audit, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
    public IReadOnlyList<RuleRow> Rules { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Departments { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> CaseManagers { get; private set; } = [];
    public string? Done { get; private set; }

    [BindProperty] public string? Category { get; set; }
    [BindProperty] public string? Location { get; set; }
    [BindProperty] public Guid? DepartmentId { get; set; }
    [BindProperty] public Guid? CaseManagerId { get; set; }
    [BindProperty] public Guid? RuleId { get; set; }
    [BindProperty] public bool Confirm { get; set; }

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        Done = done is "added" or "removed" or "ran" ? done : null;
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!string.IsNullOrWhiteSpace(Category) && !Upstander.Features.SpeakUp.Reporting.ReportCategories.IsKnown(Category.Trim()))
        {
            ModelState.AddModelError(nameof(Category), t["Choose a category from the list."]);
        }
        if (Location is { Length: > RoutingRule.LocationMaxLength })
        {
            ModelState.AddModelError(nameof(Location), t["A location has at most {0} characters.", RoutingRule.LocationMaxLength]);
        }
        if (DepartmentId is { } d && Departments.All(x => x.Id != d))
        {
            ModelState.AddModelError(nameof(DepartmentId), t["Choose a department from the list."]);
        }
        if (CaseManagerId is { } c && CaseManagers.All(x => x.Id != c))
        {
            ModelState.AddModelError(nameof(CaseManagerId), t["Choose a case manager from the list."]);
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var position = (await db.Set<RoutingRule>().MaxAsync(r => (int?)r.Position, ct) ?? 0) + 1;
        db.Add(RoutingRule.Create(db.CurrentOrganisationId!.Value, position, Category?.ToLowerInvariant(), Location, DepartmentId, CaseManagerId, clock.GetUtcNow()));
        audit.Record(CaseAudit.RulesChanged, "routing-rule", detail: "added");
        await db.SaveChangesAsync(ct);
        return Redirect("/cases/routing?done=added");
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken ct)
    {
        if (RuleId is not { } id || await db.Set<RoutingRule>().SingleOrDefaultAsync(r => r.Id == id, ct) is not { } rule)
        {
            return NotFound();
        }
        db.Remove(rule);
        audit.Record(CaseAudit.RulesChanged, "routing-rule", rule.Id, detail: "removed");
        await db.SaveChangesAsync(ct);
        return Redirect("/cases/routing?done=removed");
    }

    public async Task<IActionResult> OnPostRunAsync(CancellationToken ct)
    {
        if (!Confirm)
        {
            ModelState.AddModelError(nameof(Confirm), t["Confirm that the rules should run now."]);
            await LoadAsync(ct);
            return Page();
        }
        await intake.RunRulesAsync(ct);
        return Redirect("/cases/routing?done=ran");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Departments = [.. (await db.Departments.Select(d => new { d.Id, d.Name }).ToListAsync(ct)).Select(d => (d.Id, d.Name)).OrderBy(d => d.Name, StringComparer.CurrentCulture)];
        var managers = await conflicts.CaseManagersAsync(ct);
        CaseManagers = [.. (await db.People.Where(p => managers.Contains(p.Id)).Select(p => new { p.Id, p.Name }).ToListAsync(ct))
            .Select(p => (p.Id, p.Name)).OrderBy(p => p.Name, StringComparer.CurrentCulture)];
        var rules = await db.Set<RoutingRule>().OrderBy(r => r.Position).ToListAsync(ct);
        Rules = [.. rules.Select(r => new RuleRow(r.Id, r.Position, r.Category, r.Location,
            Departments.FirstOrDefault(d => d.Id == r.DepartmentId).Name, CaseManagers.FirstOrDefault(c => c.Id == r.CaseManagerId).Name))];
    }
}
