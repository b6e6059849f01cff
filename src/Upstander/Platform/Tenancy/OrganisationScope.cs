namespace Upstander.Platform.Tenancy;

/// <summary>Marks a row that belongs to one organisation; a global query filter scopes it.</summary>
public interface IOrganisationOwned
{
    Guid OrganisationId { get; }
}

/// <summary>
/// Marks a row that is either shared by every organisation (no owner) or belongs to one; a global query
/// filter shows the shared rows and the current organisation's own, never another organisation's.
/// </summary>
public interface IOrganisationOwnedOrShared
{
    Guid? OrganisationId { get; }
}

/// <summary>
/// The organisation the current request (or CLI verb) acts for. Scoped: set once by the
/// tenancy middleware from the signed-in principal, or by a CLI verb, and read by
/// <see cref="Data.AppDbContext"/>'s query filters. When unset, organisation-owned rows are invisible.
/// </summary>
public sealed class OrganisationScope
{
    public Guid? OrganisationId { get; private set; }

    public void Enter(Guid organisationId)
    {
        if (OrganisationId is { } current && current != organisationId)
        {
            throw new InvalidOperationException("This scope already acts for another organisation.");
        }
        OrganisationId = organisationId;
    }
}
