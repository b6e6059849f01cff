using System.Security.Claims;

namespace Upstander.Platform.Security;

/// <summary>
/// Who is acting in this request or CLI verb: a signed-in account, a program holding a personal
/// access token, the system itself, or nobody. Scoped.
/// </summary>
public sealed class CurrentActor(IHttpContextAccessor http)
{
    /// <summary>The actor kind of what Upstander does by itself (CLI verbs, background work, matching's own decisions).</summary>
    public const string SystemKind = "system";

    private string? _systemKind;

    private ClaimsPrincipal? User => http.HttpContext?.User is { Identity.IsAuthenticated: true } user ? user : null;

    public string Kind => _systemKind ?? (User is null ? "anonymous" : User.HasClaim(c => c.Type == UpstanderClaims.TokenId) ? "token" : "account");

    /// <summary>The account id (for tokens, the account the token acts as).</summary>
    public Guid? Id => Guid.TryParse(User?.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public Guid? PersonId => Guid.TryParse(User?.FindFirstValue(UpstanderClaims.Person), out var id) ? id : null;

    public Guid? OrganisationId => Guid.TryParse(User?.FindFirstValue(UpstanderClaims.Organisation), out var id) ? id : null;

    public bool IsInRole(string role) => User?.IsInRole(role) ?? false;

    public IReadOnlyList<string> Roles => Security.Roles.All.Where(IsInRole).ToList();

    /// <summary>Marks this scope as the system acting on its own (CLI verbs, jobs).</summary>
    public void ActAsSystem() => _systemKind = SystemKind;
}
