using Upstander.Features.People;

namespace Upstander.Features.PeerSupport.Matching;

public enum Urgency
{
    Normal = 0,
    Urgent = 1,
}

/// <summary>How a coordinator wants matches made: the requester picks from up to three suggestions, or the queue is assigned.</summary>
public enum MatchingMode
{
    RequesterChooses = 0,
    Automatic = 1,
}

/// <summary>One open request for support, as the matching engine sees it.</summary>
public sealed record SupportRequest
{
    public required Guid Id { get; init; }
    public required Guid RequesterId { get; init; }
    public Guid? DepartmentId { get; init; }
    public Urgency Urgency { get; init; } = Urgency.Normal;

    /// <summary>A language code (for example "pl", "cy"); null when the requester did not ask for one.</summary>
    public string? Language { get; init; }

    /// <summary>Prefer a supporter from another department. On unless the requester turns it off.</summary>
    public bool WantsOutsideDepartment { get; init; } = true;

    /// <summary>Experience the requester would like their supporter to share (for example "grief", "racism").</summary>
    public IReadOnlyCollection<string> WantedTags { get; init; } = [];

    /// <summary>The people the requester names as the source of harm (none, one or several).</summary>
    public IReadOnlyCollection<Guid> SourcesOfHarm { get; init; } = [];

    /// <summary>Supporters the requester never wants to be matched with.</summary>
    public IReadOnlyCollection<Guid> BlockedSupporters { get; init; } = [];
}

/// <summary>Requester feedback on a supporter: how many ratings, and their mean on the 1 to 5 scale.</summary>
public readonly record struct FeedbackStats(int Count, double MeanRating)
{
    public const double MinRating = 1;
    public const double MaxRating = 5;
    public static FeedbackStats None => default;
}

/// <summary>A peer supporter as the matching engine sees them. Name is shown to coordinators only, never to requesters.</summary>
public sealed record SupporterProfile
{
    public required Guid PersonId { get; init; }
    public string? Name { get; init; }
    public Guid? DepartmentId { get; init; }
    public IReadOnlyCollection<string> Languages { get; init; } = [];

    /// <summary>Experience tags the supporter chose to share.</summary>
    public IReadOnlyCollection<string> SharedTags { get; init; } = [];

    /// <summary>The most open cases the supporter takes at once.</summary>
    public int Cap { get; init; }
    public int OpenCases { get; init; }
    public bool Paused { get; init; }
    public bool Available { get; init; } = true;
    public FeedbackStats Feedback { get; init; }

    public int RemainingCapacity => Math.Max(0, Cap - OpenCases);
}

/// <summary>
/// Everything the engine needs besides the requests: the organisation chart (for management lines), the
/// supporters' profiles, and the ids of the people who are currently certified and active supporters
/// (the training feature decides that set; a profile whose id is not in it is never offered).
/// </summary>
public sealed record MatchingPool(OrgChart Chart, IReadOnlyCollection<SupporterProfile> Supporters, IReadOnlySet<Guid> CurrentSupporterIds);
