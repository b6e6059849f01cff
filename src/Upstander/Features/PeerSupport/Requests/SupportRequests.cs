using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.PeerSupport.Care;
using Upstander.Features.PeerSupport.Resources;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Requests;

public static class RequestAudit
{
    public const string Made = "peer-support.request-made";
    public const string Withdrawn = "peer-support.request-withdrawn";
    public const string Target = "support-request";
}

/// <summary>What the "talk to someone" form submits, before validation. Answers are by safety question id.</summary>
public sealed record RequestInput(
    string? Topic, string? Timing, string? Channel, bool OutsideDepartment, string? Language,
    IReadOnlyCollection<string> Tags, string? ShowName, string? Details, IReadOnlyDictionary<string, string?> Answers,
    IReadOnlyCollection<string> Named);

/// <summary>A checked request, ready to screen and store.</summary>
public sealed record ValidRequest(
    string Topic, string Timing, string Channel, bool OutsideDepartment, string? Language,
    IReadOnlyList<string> Tags, bool ShowName, string? Details, IReadOnlyDictionary<string, ScreenAnswer> Answers,
    IReadOnlyList<Guid> Named);

/// <summary>A person in the directory, as the requester sees them when naming someone.</summary>
public sealed record NamedPerson(Guid Id, string Name, string? Team);

/// <summary>One row of the coordinators' list: when, how urgent, where it stands and, only if allowed, the name.</summary>
public sealed record CoordinatorRequestRow(Guid Id, DateTimeOffset CreatedAt, QueuePriority Priority, RequestStatus Status, string Who, bool NameShown);

/// <summary>
/// Requests to talk to someone in the current organisation: validation, the safety screen, sealing,
/// the requester's own view, and the coordinators' list of raised and urgent requests. Scoped.
/// </summary>
public sealed partial class SupportRequests(
    AppDbContext db, TimeProvider clock, AuditLog audit, FieldProtector protector, CurrentActor actor,
    SafetyScreen screen, SupportResources resources, SafetyAlerts alerts, IStringLocalizer<SharedResource> t)
{
    /// <summary>The coordinators' list of raised and urgent requests and of safety concerns in conversations.</summary>
    public const string CoordinatorPath = "/coordinate/requests";

    /// <summary>The email to coordinators when a request's answers mean the person may be at risk.</summary>
    public const string AtRiskMailPurpose = "peer-support.request-at-risk";

    public const string AnswerYes = "yes";
    public const string AnswerNo = "no";
    public const string AnswerRatherNotSay = "rather-not-say";

    public static readonly IReadOnlyDictionary<string, ScreenAnswer> Answers = new Dictionary<string, ScreenAnswer>(StringComparer.Ordinal)
    {
        [AnswerYes] = ScreenAnswer.Yes,
        [AnswerNo] = ScreenAnswer.No,
        [AnswerRatherNotSay] = ScreenAnswer.RatherNotSay,
    };

    public const int MaxNamed = 5;
    public const int SearchMaxLength = 100;

    /// <summary>Checks the form; returns the request or the problems (field, English message = localization key).</summary>
    public async Task<(ValidRequest? Request, IReadOnlyList<(string Field, string Message)> Problems)> CheckAsync(RequestInput input, CancellationToken ct)
    {
        var problems = new List<(string, string)>();
        if (!RequestChoices.IsKnown(RequestChoices.Topics, input.Topic))
        {
            problems.Add((nameof(input.Topic), "Choose what it is about."));
        }
        if (!RequestChoices.IsKnown(RequestChoices.Timings, input.Timing))
        {
            problems.Add((nameof(input.Timing), "Choose how soon you would like to talk."));
        }
        if (!RequestChoices.IsKnown(RequestChoices.Channels, input.Channel))
        {
            problems.Add((nameof(input.Channel), "Choose how you would like to talk."));
        }
        if (input.ShowName is not ("name" or "pseudonym"))
        {
            problems.Add((nameof(input.ShowName), "Choose whether your supporter may see your name."));
        }
        var language = string.IsNullOrWhiteSpace(input.Language) ? null : input.Language.Trim().ToLowerInvariant();
        if (language is not null && !LanguageCode().IsMatch(language))
        {
            problems.Add((nameof(input.Language), "Choose a language from the list."));
        }
        if (input.Tags.Count > ExperienceTags.All.Count || input.Tags.Any(t => !ExperienceTags.IsKnown(t)))
        {
            problems.Add((nameof(input.Tags), "Choose experience from the list."));
        }
        if (input.Details is { Length: > SupportRequestRecord.DetailsMaxLength })
        {
            problems.Add((nameof(input.Details), "What you wrote is too long."));
        }
        var answers = new Dictionary<string, ScreenAnswer>(StringComparer.Ordinal);
        foreach (var question in screen.Questions.Questions)
        {
            if (input.Answers.TryGetValue(question.Id, out var given) && !string.IsNullOrEmpty(given))
            {
                if (Answers.TryGetValue(given, out var answer))
                {
                    answers[question.Id] = answer;
                }
                else
                {
                    problems.Add(("answer-" + question.Id, "Choose one of the answers to each question."));
                }
            }
        }
        var named = input.Named.Select(n => Guid.TryParse(n, out var id) ? id : Guid.Empty).Distinct().ToList();
        if (named.Count > MaxNamed || named.Contains(Guid.Empty) || named.Contains(actor.PersonId!.Value)
            || (named.Count > 0 && (await PeopleAsync(named, ct)).Count != named.Count))
        {
            problems.Add((nameof(input.Named), "Choose people from the directory search."));
        }
        if (problems.Count > 0)
        {
            return (null, problems);
        }
        return (new ValidRequest(input.Topic!, input.Timing!, input.Channel!, input.OutsideDepartment, language,
            [.. input.Tags.Distinct()], input.ShowName == "name", string.IsNullOrWhiteSpace(input.Details) ? null : input.Details.Trim(), answers, named), []);
    }

    /// <summary>Up to ten people in the directory whose name, email or employee id contains the search, the requester left out.</summary>
    public async Task<IReadOnlyList<NamedPerson>> FindPeopleAsync(string search, CancellationToken ct) =>
        await People.PersonQueries.Search(db.People, search)
            .Where(p => p.Id != actor.PersonId)
            .OrderBy(p => p.Name).Take(10)
            .Select(p => new NamedPerson(p.Id, p.Name, p.Team))
            .ToListAsync(ct);

    /// <summary>The given people, in name order; ids that are not in this organisation's directory are left out.</summary>
    public async Task<IReadOnlyList<NamedPerson>> PeopleAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        ids.Count == 0 ? [] : await db.People.Where(p => ids.Contains(p.Id)).OrderBy(p => p.Name)
            .Select(p => new NamedPerson(p.Id, p.Name, p.Team)).ToListAsync(ct);

    /// <summary>
    /// Screens, seals and stores a request for the signed-in person; audited without content. A raised or urgent one is
    /// emailed to coordinators in the same save (<see cref="QueueCoordinatorAlertAsync"/>).
    /// </summary>
    public async Task<SupportRequestRecord> MakeAsync(ValidRequest request, CancellationToken ct)
    {
        // A question left out counts as "I'd rather not say" in the screen: possible risk, never none.
        var result = screen.Screen(request.Answers, request.Details);
        var record = SupportRequestRecord.Open(db.CurrentOrganisationId!.Value, actor.PersonId!.Value, request, result, Pseudonyms.Next(), clock.GetUtcNow());
        record.SealDetails(request.Details is null ? null : protector.Seal(request.Details, SupportRequestRecord.DetailsPurpose, record.Id));
        db.Add(record);
        audit.RecordAsHiddenRequester(RequestAudit.Made, RequestAudit.Target, record.Id,
            detail: $"priority={record.Priority};level={record.RiskLevel};details={(record.DetailsSealed is null ? "none" : "written")}");
        if (record.Priority != QueuePriority.Routine)
        {
            await QueueCoordinatorAlertAsync(record, ct);
        }
        await db.SaveChangesAsync(ct);
        return record;
    }

    /// <summary>
    /// Tells coordinators by email that a request whose answers mean the person may be at risk waits (<see cref="SafetyAlerts"/>).
    /// The requester's page says a coordinator has been told; the home page's notice reaches only a coordinator who signs in.
    /// </summary>
    private Task QueueCoordinatorAlertAsync(SupportRequestRecord record, CancellationToken ct) =>
        alerts.TellCoordinatorsAsync(AtRiskMailPurpose, record.Id, record.CreatedAt, (organisation, when) =>
            (t["{0}: someone asking for peer support may be at risk", organisation],
             t["A request for peer support was sent at {0} on {1}, and its answers to the safety questions mean the person may be at risk. Please make sure someone follows it up today: the list shows how urgent it is and whether a supporter has it yet.", organisation, when]), ct);

    /// <summary>The signed-in person's own requests, newest first.</summary>
    public Task<List<SupportRequestRecord>> OwnAsync(CancellationToken ct) =>
        db.Set<SupportRequestRecord>().Where(r => r.PersonId == actor.PersonId).OrderByDescending(r => r.CreatedAt).ToListAsync(ct);

    /// <summary>One of the signed-in person's own requests; null for anyone else's (the page answers 404).</summary>
    public Task<SupportRequestRecord?> OwnAsync(Guid id, CancellationToken ct) =>
        db.Set<SupportRequestRecord>().SingleOrDefaultAsync(r => r.Id == id && r.PersonId == actor.PersonId, ct);

    /// <summary>The requester's own words, for the requester only: nobody else can open them through this service.</summary>
    public string? OwnDetails(SupportRequestRecord record) =>
        record.PersonId != actor.PersonId || record.DetailsSealed is null
            ? null
            : protector.Open(record.DetailsSealed, SupportRequestRecord.DetailsPurpose, record.Id);

    /// <summary>Crisis resources for the signed-in person's country (every one when it is unknown).</summary>
    public async Task<IReadOnlyList<SupportResource>> CrisisResourcesAsync(CancellationToken ct)
    {
        var location = await db.People.Where(p => p.Id == actor.PersonId).Select(p => p.Location).FirstOrDefaultAsync(ct);
        return await resources.CrisisResourcesAsync(location, ct);
    }

    /// <summary>
    /// Requests the safety screen raised (possible or high risk), for coordinators: waiting ones first,
    /// urgent before raised, oldest first. Never the text; the name only when the requester allowed it.
    /// </summary>
    public async Task<IReadOnlyList<CoordinatorRequestRow>> RaisedForCoordinatorsAsync(CancellationToken ct)
    {
        var rows = await db.Set<SupportRequestRecord>()
            .Where(r => r.Priority != QueuePriority.Routine)
            .Select(r => new { r.Id, r.CreatedAt, r.Priority, r.Status, r.ShowName, r.Pseudonym, r.PersonId })
            .ToListAsync(ct);
        var named = rows.Where(r => r.ShowName).Select(r => r.PersonId).Distinct().ToList();
        var names = await db.People.Where(p => named.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        return [.. rows
            .OrderBy(r => r.Status == RequestStatus.Waiting ? 0 : 1)
            .ThenByDescending(r => r.Priority)
            .ThenBy(r => r.CreatedAt)
            .Select(r => r.ShowName && names.TryGetValue(r.PersonId, out var name)
                ? new CoordinatorRequestRow(r.Id, r.CreatedAt, r.Priority, r.Status, name, true)
                : new CoordinatorRequestRow(r.Id, r.CreatedAt, r.Priority, r.Status, r.Pseudonym, false))];
    }

    [GeneratedRegex("^[a-z]{2}$")]
    private static partial Regex LanguageCode();
}

/// <summary>A two-word pseudonym per request ("Teal Heron"), shown instead of the name when the requester chooses.</summary>
public static class Pseudonyms
{
    private static readonly string[] Colours =
    [
        "Amber", "Azure", "Coral", "Cobalt", "Copper", "Crimson", "Golden", "Indigo", "Ivory", "Jade",
        "Lilac", "Olive", "Pearl", "Russet", "Sage", "Scarlet", "Silver", "Teal", "Umber", "Violet",
    ];

    private static readonly string[] Birds =
    [
        "Heron", "Wren", "Finch", "Robin", "Kestrel", "Swift", "Lark", "Plover", "Curlew", "Dipper",
        "Egret", "Falcon", "Grebe", "Linnet", "Martin", "Osprey", "Puffin", "Sparrow", "Tern", "Warbler",
    ];

    public static string Next() =>
        Colours[RandomNumberGenerator.GetInt32(Colours.Length)] + " " + Birds[RandomNumberGenerator.GetInt32(Birds.Length)];
}

/// <summary>What the crisis section shows: the crisis services for the person's country, the opening sentence (a localization key) and its heading level.</summary>
public sealed record HelpNow(IReadOnlyList<Resources.SupportResource> Crisis, string Lead, int Heading)
{
    public const string RequestLead =
        "Thank you for telling us. Your request is at the front of the queue and a coordinator has been told, so someone will be in touch as soon as they can.";

    public const string ConversationLead =
        "If things feel too much right now, you do not have to wait for a reply. Your supporter and a coordinator know that you may need support soon, and someone will check in with you.";
}
