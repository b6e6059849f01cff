using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Accounts;

public sealed record TokenRow(Guid Id, string Name, string Account, string Prefix, DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt);

/// <summary>Personal access tokens for programs that call the API: issue (secret shown once, after a recent sign-in), list, revoke.</summary>
[Authorize(Roles = Roles.Admin)]
public sealed class TokensModel(AppDbContext db, TokenIssuer issuer, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
    public const string Path = "/admin/tokens";

    [BindProperty] public Guid? AccountId { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public int LifetimeDays { get; set; } = 90;

    public IReadOnlyList<AccountChoice> Accounts { get; private set; } = [];
    public IReadOnlyList<TokenRow> Rows { get; private set; } = [];
    public IssuedToken? Issued { get; private set; }
    public List<string> Errors { get; } = [];
    public string? Message { get; private set; }
    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(bool revoked, CancellationToken ct)
    {
        Message = revoked ? t["The token was revoked. Programs using it are refused from now on."].Value : null;
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostIssueAsync(CancellationToken ct)
    {
        if (!issuer.CanIssue)
        {
            return Forbid();
        }
        if (!await issuer.SignedInRecentlyAsync())
        {
            return RecentSignIn.ConfirmFirst(Path);
        }
        var name = Name?.Trim() ?? "";
        if (AccountId is null)
        {
            Errors.Add(t["Choose the account the token acts as."]);
        }
        if (name.Length is 0 or > PersonalAccessToken.NameMaxLength)
        {
            Errors.Add(t["Give the token a name of at most {0} characters, saying which program uses it.", PersonalAccessToken.NameMaxLength]);
        }
        if (LifetimeDays is < TokenIssuer.MinLifetimeDays or > TokenIssuer.MaxLifetimeDays)
        {
            Errors.Add(t["A token lasts between {0} and {1} days.", TokenIssuer.MinLifetimeDays, TokenIssuer.MaxLifetimeDays]);
        }
        if (Errors.Count == 0)
        {
            Issued = await issuer.IssueAsync(AccountId!.Value, name, LifetimeDays, ct);
            if (Issued is null)
            {
                Errors.Add(t["That account is not in your organisation."]);
            }
        }
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            Name = null;
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken ct) =>
        await issuer.RevokeAsync(id, ct) ? RedirectToPage(new { revoked = true }) : NotFound();

    private async Task LoadAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        Accounts = await issuer.AccountChoices().ToListAsync(ct);
        var labels = Accounts.ToDictionary(a => a.Id, a => a.Label);
        var tokens = await db.PersonalAccessTokens.OrderByDescending(x => x.CreatedAt).ThenBy(x => x.Id).Take(500).ToListAsync(ct);
        Rows = tokens.Select(x => new TokenRow(x.Id, x.Name, labels.GetValueOrDefault(x.AccountId, "?"), x.DisplayPrefix,
            x.CreatedAt, x.LastUsedAt, x.ExpiresAt, x.RevokedAt)).ToList();
    }
}
