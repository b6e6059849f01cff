namespace Upstander.Platform.Security;

/// <summary>Role names as people read them (localized at the point of display).</summary>
public static class RoleLabels
{
    public static string Label(string role) => role switch
    {
        Roles.Employee => "Employee",
        Roles.PeerSupporter => "Peer supporter",
        Roles.Coordinator => "Coordinator",
        Roles.CaseManager => "Case manager",
        Roles.Leader => "Leader",
        Roles.Researcher => "Researcher",
        Roles.Admin => "Administrator",
        Roles.Custodian => "Identity custodian",
        _ => role,
    };
}
