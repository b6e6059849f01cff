using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Features.People;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.PeerSupport.Requests;

/// <summary>
/// Where a request stands. Stored by name. The life of a request:
/// <c>Waiting</c> → <c>Offered</c> (one supporter has it to accept or decline) → <c>Active</c> (the conversation
/// is open) → <c>Closed</c> (either side closed it; the requester may reopen within the reopen window).
/// A decline, a time-out or a reassignment puts an offered request back to <c>Waiting</c> (or offers it to the
/// next supporter). Only a waiting or offered request can be withdrawn.
/// </summary>
public enum RequestStatus
{
    /// <summary>Waiting for a supporter (or, when the requester chooses, for the requester to pick one).</summary>
    Waiting,

    /// <summary>The requester withdrew it before a conversation started.</summary>
    Withdrawn,

    /// <summary>Offered to <see cref="SupportRequestRecord.SupporterId"/>, who has not yet accepted or declined.</summary>
    Offered,

    /// <summary>The supporter accepted: the conversation is open.</summary>
    Active,

    /// <summary>Closed by the requester, the supporter or a coordinator.</summary>
    Closed,
}

/// <summary>Who closed a conversation (stored by key).</summary>
public static class ClosedBy
{
    public const string Requester = "requester";
    public const string Supporter = "supporter";
    public const string Coordinator = "coordinator";
}

/// <summary>The fixed choices of the "talk to someone" form: key (stored) and English label (localization key).</summary>
public static class RequestChoices
{
    public static readonly IReadOnlyList<(string Key, string Label)> Topics =
    [
        ("experiencing", "I am experiencing bullying"),
        ("witnessing", "I have seen someone else being bullied"),
        ("conflict", "A conflict at work"),
        ("unsafe", "I feel unsafe"),
        ("other", "Something else"),
    ];

    public static readonly IReadOnlyList<(string Key, string Label)> Timings =
    [
        ("today", "Today, if possible"),
        ("this-week", "This week"),
        ("no-rush", "There is no rush"),
    ];

    public static readonly IReadOnlyList<(string Key, string Label)> Channels =
    [
        ("messages", "Messages in Upstander"),
        ("call", "A call"),
        ("in-person", "In person"),
    ];

    /// <summary>Languages offered in the form (ISO 639-1, English name = localization key). Any two-letter code is accepted.</summary>
    public static readonly IReadOnlyList<(string Key, string Label)> Languages =
    [
        ("en", "English"), ("cy", "Welsh"), ("pl", "Polish"), ("es", "Spanish"), ("fr", "French"), ("de", "German"),
        ("pt", "Portuguese"), ("it", "Italian"), ("ro", "Romanian"), ("ar", "Arabic"), ("ur", "Urdu"), ("pa", "Punjabi"),
    ];

    public const int KeyMaxLength = 20;

    public static bool IsKnown(IReadOnlyList<(string Key, string Label)> choices, string? key) => choices.Any(c => c.Key == key);

    public static string Label(IReadOnlyList<(string Key, string Label)> choices, string key) =>
        choices.FirstOrDefault(c => c.Key == key).Label ?? key;
}

/// <summary>
/// A person's request to talk to a peer supporter. What they wrote is sealed; the safety screen's level
/// and categories (never the text) decide where it goes in the queue and whether coordinators are alerted.
/// </summary>
public sealed class SupportRequestRecord : IOrganisationOwned
{
    public const string DetailsPurpose = "peer-support.request-details";
    public const int DetailsMaxLength = 2000;

    private SupportRequestRecord() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid PersonId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public string Topic { get; private set; } = "";
    public string Timing { get; private set; } = "";
    public string Channel { get; private set; } = "";
    public bool OutsideDepartment { get; private set; }

    /// <summary>ISO 639-1 code, or null when any language will do.</summary>
    public string? Language { get; private set; }

    /// <summary><see cref="Care.ExperienceTags"/> keys, comma-separated.</summary>
    public string Tags { get; private set; } = "";

    /// <summary>Whether the supporter (and coordinators) may see the requester's name; otherwise only <see cref="Pseudonym"/>.</summary>
    public bool ShowName { get; private set; }

    /// <summary>
    /// The people the requester named as the source of harm (person ids, "N" format, comma-separated). Used only
    /// to keep them and their management chains away from the request; never shown to anyone but the requester.
    /// </summary>
    public string NamedPeople { get; private set; } = "";
    public string Pseudonym { get; private set; } = "";

    /// <summary>The requester's own words, sealed with <see cref="DetailsPurpose"/> and this row's id; null when none.</summary>
    public string? DetailsSealed { get; private set; }
    public RiskLevel RiskLevel { get; private set; }
    public QueuePriority Priority { get; private set; }

    /// <summary>The screen's categories by content-file name, comma-separated (never the text).</summary>
    public string RiskCategories { get; private set; } = "";
    public RequestStatus Status { get; private set; } = RequestStatus.Waiting;
    public DateTimeOffset? WithdrawnAt { get; private set; }

    /// <summary>
    /// The supporter the request is offered to (<see cref="RequestStatus.Offered"/>) or who holds it
    /// (<see cref="RequestStatus.Active"/>, <see cref="RequestStatus.Closed"/>); null while waiting.
    /// </summary>
    public Guid? SupporterId { get; private set; }

    /// <summary>When the current supporter accepted. A supporter sees only messages sent from this moment (a reassigned conversation does not carry its history to the next supporter).</summary>
    public DateTimeOffset? SupporterSince { get; private set; }

    /// <summary>When a supporter first accepted the request (kept across reassignment; for time-to-match figures).</summary>
    public DateTimeOffset? FirstAcceptedAt { get; private set; }

    /// <summary>When a supporter first wrote in the conversation (for time-to-first-reply figures).</summary>
    public DateTimeOffset? FirstReplyAt { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>A <see cref="Requests.ClosedBy"/> key; null unless closed.</summary>
    public string? ClosedBy { get; private set; }

    /// <summary>When retention removed the conversation's content (messages, notes, the requester's words, named people).</summary>
    public DateTimeOffset? ContentErasedAt { get; private set; }

    /// <summary>
    /// Whether the requester wants an email when the request comes back to them to choose a supporter again (see
    /// <c>SupportOffers.SendBackAsync</c>). Off until they turn it on: even an email that says nothing tells whoever reads
    /// their work mailbox that they asked for support.
    /// </summary>
    public bool ChooseAgainEmail { get; private set; }

    /// <summary>The request still counts against its supporter's caseload.</summary>
    public bool IsOpenCase => Status is RequestStatus.Offered or RequestStatus.Active;

    public IReadOnlyList<string> TagList => Tags.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public IReadOnlyList<Guid> NamedPeopleIds => ParseNamed(NamedPeople);

    /// <summary>The ids in a stored <see cref="NamedPeople"/> value, for a query that reads the column alone.</summary>
    public static IReadOnlyList<Guid> ParseNamed(string namedPeople) => [.. namedPeople.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse)];

    /// <summary>Crisis resources were shown and coordinators alerted.</summary>
    public bool RiskShown => RiskLevel >= RiskLevel.Possible;

    /// <summary>
    /// The request's page opens with crisis resources: risk showed and no supporter has taken it on yet (it is
    /// waiting, or offered to someone who has not answered; urgent requests are offered at once, and being
    /// offered is not being helped).
    /// </summary>
    public bool CrisisFirst => RiskShown && Status is RequestStatus.Waiting or RequestStatus.Offered;

    public static SupportRequestRecord Open(Guid organisationId, Guid personId, ValidRequest request, SafetyScreenResult screen, string pseudonym, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = organisationId,
        PersonId = personId,
        CreatedAt = now,
        Topic = request.Topic,
        Timing = request.Timing,
        Channel = request.Channel,
        OutsideDepartment = request.OutsideDepartment,
        Language = request.Language,
        Tags = string.Join(',', request.Tags),
        ShowName = request.ShowName,
        NamedPeople = string.Join(',', request.Named.Select(id => id.ToString("N"))),
        Pseudonym = pseudonym,
        RiskLevel = screen.Level,
        Priority = screen.Priority,
        RiskCategories = string.Join(',', screen.Categories.Select(Safety.RiskCategories.NameOf)),
    };

    public void SealDetails(string? sealedDetails) => DetailsSealed = sealedDetails;

    /// <summary>The requester's choice of <see cref="ChooseAgainEmail"/>.</summary>
    public void SetChooseAgainEmail(bool on) => ChooseAgainEmail = on;

    public void Withdraw(DateTimeOffset now)
    {
        Require(RequestStatus.Waiting, RequestStatus.Offered);
        Status = RequestStatus.Withdrawn;
        WithdrawnAt = now;
        SupporterId = null;
    }

    /// <summary>Offers the waiting request to one supporter.</summary>
    public void Offer(Guid supporterId)
    {
        Require(RequestStatus.Waiting);
        Status = RequestStatus.Offered;
        SupporterId = supporterId;
        SupporterSince = null;
    }

    /// <summary>The offered supporter accepted: the conversation opens.</summary>
    public void Accept(DateTimeOffset now)
    {
        Require(RequestStatus.Offered);
        Status = RequestStatus.Active;
        SupporterSince = now;
        FirstAcceptedAt ??= now;
    }

    /// <summary>A decline, a time-out or a coordinator's reassignment: back to the queue with no supporter.</summary>
    public void ReturnToQueue()
    {
        Require(RequestStatus.Offered, RequestStatus.Active);
        Status = RequestStatus.Waiting;
        SupporterId = null;
        SupporterSince = null;
    }

    /// <summary>
    /// Risk showed again after the request was made (in the conversation): the level, the queue priority and the categories
    /// rise to include it and never fall, so that if the request goes back to the queue it goes ahead as its risk requires.
    /// </summary>
    public void RaiseRisk(RiskLevel level, IEnumerable<RiskCategory> categories)
    {
        RiskLevel = level > RiskLevel ? level : RiskLevel;
        var priority = SafetyScreenResult.PriorityOf(level);
        Priority = priority > Priority ? priority : Priority;
        RiskCategories = Safety.RiskCategories.Merge(RiskCategories, categories);
    }

    /// <summary>Records the first time a supporter wrote; later replies change nothing.</summary>
    public void SupporterReplied(DateTimeOffset now) => FirstReplyAt ??= now;

    public void Close(string by, DateTimeOffset now)
    {
        Require(RequestStatus.Active);
        if (by is not (Requests.ClosedBy.Requester or Requests.ClosedBy.Supporter or Requests.ClosedBy.Coordinator))
        {
            throw new ArgumentException($"\"{by}\" is not who can close a conversation.", nameof(by));
        }
        Status = RequestStatus.Closed;
        ClosedAt = now;
        ClosedBy = by;
    }

    /// <summary>The requester reopens a closed conversation with the same supporter (the caller checks the reopen window).</summary>
    public void Reopen()
    {
        Require(RequestStatus.Closed);
        if (ContentErasedAt is not null)
        {
            throw new InvalidOperationException("A conversation whose content retention removed cannot be reopened.");
        }
        Status = RequestStatus.Active;
        ClosedAt = null;
        ClosedBy = null;
    }

    /// <summary>Retention: forgets the requester's words and the people they named; timings and priority stay for queue figures.</summary>
    public void EraseContent(DateTimeOffset now)
    {
        Require(RequestStatus.Closed, RequestStatus.Withdrawn);
        DetailsSealed = null;
        NamedPeople = "";
        ContentErasedAt = now;
    }

    private void Require(params RequestStatus[] allowed)
    {
        if (!allowed.Contains(Status))
        {
            throw new InvalidOperationException($"A request that is {Status} cannot do that (needs {string.Join(" or ", allowed)}).");
        }
    }
}

public sealed class SupportRequestRecordConfiguration : IEntityTypeConfiguration<SupportRequestRecord>
{
    public void Configure(EntityTypeBuilder<SupportRequestRecord> builder)
    {
        builder.ToTable("support_requests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Topic).HasMaxLength(RequestChoices.KeyMaxLength);
        builder.Property(r => r.Timing).HasMaxLength(RequestChoices.KeyMaxLength);
        builder.Property(r => r.Channel).HasMaxLength(RequestChoices.KeyMaxLength);
        builder.Property(r => r.Language).HasMaxLength(10);
        builder.Property(r => r.Tags).HasMaxLength(300);
        builder.Property(r => r.NamedPeople).HasMaxLength(200);
        builder.Property(r => r.Pseudonym).HasMaxLength(60);
        builder.Property(r => r.RiskCategories).HasMaxLength(100);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.ClosedBy).HasMaxLength(20);
        builder.HasIndex(r => new { r.OrganisationId, r.Status, r.Priority });
        builder.HasIndex(r => new { r.SupporterId, r.Status });
        builder.HasOne<Person>().WithMany().HasForeignKey(r => r.SupporterId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(r => r.PersonId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(r => r.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
