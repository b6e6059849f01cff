using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.Accounts;
using Upstander.Features.People;
using Upstander.Platform;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Organisations;

/// <summary>
/// First run: creates the first organisation and its administrator. Exists only until an organisation
/// does, and only for someone holding the code printed on the server console.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(RateLimitPolicies.SignIn)]
public sealed class SetupModel(
    FirstRunCode firstRun, OrganisationSetup setup, AppDbContext db, SignInManager<Account> signIn,
    IStringLocalizer<SharedResource> t) : PageModel
{
    public sealed class InputModel
    {
        [Required, StringLength(20)] public string Code { get; set; } = "";
        [Required, StringLength(Organisation.NameMaxLength)] public string OrganisationName { get; set; } = "";
        [Required, StringLength(PersonRules.NameMaxLength)] public string Name { get; set; } = "";
        [Required, EmailAddress, StringLength(PersonRules.EmailMaxLength)] public string Email { get; set; } = "";
        [Required, StringLength(PersonRules.EmployeeIdMaxLength)] public string EmployeeId { get; set; } = "";
        [Required, StringLength(200, MinimumLength = 12)] public string Password { get; set; } = "";
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await IsOpenAsync(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await IsOpenAsync(ct))
        {
            return NotFound();
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        if (!firstRun.Matches(Input.Code))
        {
            ModelState.AddModelError("Input.Code", t["That set-up code is not the one shown on the server console."]);
            return Page();
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var organisation = await setup.CreateOrganisationAsync(Input.OrganisationName, isDemo: false, ct);
            var (_, account) = await setup.CreatePersonWithAccountAsync(organisation.Id,
                new PersonDetails(Input.Name, Input.Email, Input.EmployeeId, null, null, null, null, null, null, null),
                [Roles.Admin], Input.Password, ct);
            await transaction.CommitAsync(ct);
            firstRun.Clear();
            await signIn.SignInAsync(account, isPersistent: false);
            return Redirect(TwoFactorRequirement.RequiredSetupPath);
        }
        catch (ArgumentException ex)
        {
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            ModelState.AddModelError("", ex.Message);
            return Page();
        }
    }

    private async Task<bool> IsOpenAsync(CancellationToken ct) =>
        firstRun.Code is not null && !await db.Organisations.IgnoreQueryFilters().AnyAsync(ct);
}
