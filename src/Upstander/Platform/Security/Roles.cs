namespace Upstander.Platform.Security;

/// <summary>The roles a person may hold; a person may hold several.</summary>
public static class Roles
{
    public const string Employee = nameof(Employee);
    public const string PeerSupporter = nameof(PeerSupporter);
    public const string Coordinator = nameof(Coordinator);
    public const string CaseManager = nameof(CaseManager);
    public const string Leader = nameof(Leader);
    public const string Researcher = nameof(Researcher);
    public const string Admin = nameof(Admin);

    /// <summary>Approves (or refuses) revealing a reporter's identity to case managers when the reporter asked for it to be held back.</summary>
    public const string Custodian = nameof(Custodian);

    public static readonly IReadOnlyList<string> All =
        [Employee, PeerSupporter, Coordinator, CaseManager, Leader, Researcher, Admin, Custodian];

    /// <summary>Roles that see other people's sensitive material or run the installation: two-factor is required.</summary>
    public static readonly IReadOnlySet<string> RequireTwoFactor =
        new HashSet<string>(StringComparer.Ordinal) { Coordinator, CaseManager, Admin, Custodian };

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}

/// <summary>Claim types Upstander adds to a signed-in principal.</summary>
public static class UpstanderClaims
{
    public const string Organisation = "upstander:org";
    public const string Person = "upstander:person";
    public const string TokenId = "upstander:token";
}
