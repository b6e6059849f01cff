using System.Text.Json;
using Upstander.Features.SpeakUp.Reporting;
using Upstander.Features.SpeakUp.Reports;

namespace Upstander.Features.Cases;

/// <summary>Audit action names for case handling. Events name the report by id only; never content.</summary>
public static class CaseAudit
{
    public const string Target = "report";
    public const string Routed = "speak-up.case-routed";
    public const string StatusChanged = "speak-up.case-status-changed";
    public const string Assigned = "speak-up.case-assigned";
    public const string MessageSent = "speak-up.case-message-sent";
    public const string NoteWritten = "speak-up.case-note-written";
    public const string PlanChanged = "speak-up.case-plan-changed";
    public const string LabelsChanged = "speak-up.case-labels-changed";
    public const string OutcomeRecorded = "speak-up.case-outcome-recorded";
    public const string RevealRequested = "speak-up.reveal-requested";
    public const string RevealApproved = "speak-up.reveal-approved";
    public const string RevealRefused = "speak-up.reveal-refused";
    public const string RevealLapsed = "speak-up.reveal-lapsed";
    public const string RulesChanged = "speak-up.routing-rules-changed";
    public const string RetentionRun = "speak-up.retention-run";
}

/// <summary>The fixed reason lists (key, English label = localization key). No free text is ever a reason.</summary>
public static class CaseReasons
{
    private static readonly Dictionary<ReportStatus, (string Key, string Label)[]> ByStatus = new()
    {
        [ReportStatus.Acknowledged] = [("received-and-read", "We have received and read the report"), ("contacted-reporter", "We have told the reporter it was received")],
        [ReportStatus.Assessing] = [("gathering-information", "Gathering information to decide what to do"), ("reopened", "Reopened: new information came to light")],
        [ReportStatus.Investigating] = [("formal-investigation", "A formal investigation is needed"), ("interviews-needed", "Interviews with the people involved are needed")],
        [ReportStatus.Resolved] = [("action-taken", "Action was taken"), ("no-breach-found", "No breach was found"), ("resolved-informally", "Resolved informally with the people involved")],
        [ReportStatus.Closed] = [("outcome-shared", "The outcome was shared with the reporter"), ("withdrawn", "The reporter withdrew the report"), ("no-response", "No response from the reporter for a long time"), ("outside-scope", "Outside the scope of this process"), ("duplicate", "A duplicate of another report")],
    };

    public static IReadOnlyList<(string Key, string Label)> For(ReportStatus to) => ByStatus.TryGetValue(to, out var reasons) ? reasons : [];

    public static bool IsKnown(ReportStatus to, string? key) => For(to).Any(r => r.Key == key);

    public static readonly IReadOnlyList<(string Key, string Label)> Handover =
    [
        ("workload", "Balancing workload"),
        ("expertise", "Needs someone with other expertise"),
        ("absence", "I will be away"),
        ("conflict-declared", "I have declared a conflict of interest"),
    ];

    public static readonly IReadOnlyList<(string Key, string Label)> Reveal =
    [
        ("needed-for-investigation", "The investigation cannot go on without it"),
        ("reporter-safety", "To protect the reporter's safety"),
        ("legal-obligation", "A legal obligation requires it"),
    ];

    public static readonly IReadOnlyList<(string Key, string Label)> Outcomes =
    [
        ("substantiated", "Substantiated"),
        ("partly-substantiated", "Partly substantiated"),
        ("not-substantiated", "Not substantiated"),
        ("resolved-informally", "Resolved informally"),
        ("withdrawn", "Withdrawn"),
        ("referred", "Referred elsewhere"),
    ];

    public static bool IsKnown(IReadOnlyList<(string Key, string Label)> list, string? key) => list.Any(r => r.Key == key);

    public static string Label(IReadOnlyList<(string Key, string Label)> list, string? key) => list.FirstOrDefault(r => r.Key == key).Label ?? key ?? "";

    private static readonly (string Key, string Label)[] System =
    [
        ("routing-rule", "By a routing rule"),
        ("taken", "Taken from the intake queue"),
        (ConflictOrRole, "A conflict of interest or a change of role"),
        (NotACaseManager, "The case manager's account was deactivated or their role removed"),
    ];

    /// <summary>Why a case left a case manager who became conflicted on it, or (in a rules run) stopped being a case manager (<see cref="CaseIntake.RunRulesAsync"/>).</summary>
    public const string ConflictOrRole = "conflict-or-role";

    /// <summary>Why a case left its case manager when they stopped being an active case manager (see <see cref="CaseIntake.SweepAsync"/>).</summary>
    public const string NotACaseManager = "not-a-case-manager";

    public static string ReasonLabel(string? key) =>
        ByStatus.Values.SelectMany(r => r).Concat(Handover).Concat(Reveal).Concat(System).FirstOrDefault(r => r.Key == key).Label ?? key ?? "";

    /// <summary>Where a case may go next: forward to any later status, or a closed case back to assessment.</summary>
    public static IReadOnlyList<ReportStatus> Next(ReportStatus from) => from == ReportStatus.Closed
        ? [ReportStatus.Assessing]
        : [.. Enum.GetValues<ReportStatus>().Where(s => s > from)];

    public static string StatusLabel(ReportStatus status) => status switch
    {
        ReportStatus.Received => "Received",
        ReportStatus.Acknowledged => "Acknowledged",
        ReportStatus.Assessing => "Assessing",
        ReportStatus.Investigating => "Investigating",
        ReportStatus.Resolved => "Resolved",
        _ => "Closed",
    };

    public static string WayLabel(ReportWay way) => way switch
    {
        ReportWay.Named => "Named",
        ReportWay.Anonymous => "Anonymous",
        _ => "Escrow",
    };

    /// <summary>The reporter's category list (<see cref="ReportCategories"/>) is the one list: its label, or the key when unknown.</summary>
    public static string CategoryLabel(string key) => ReportCategories.Label(key);
}

/// <summary>Which deadline a case faces next and how close it is.</summary>
public enum DeadlineState
{
    None,
    OnTrack,
    DueSoon,
    Overdue,
}

public sealed record Deadline(string Kind, DateTimeOffset At, DeadlineState State);

/// <summary>
/// The EU Whistleblower Directive's two deadlines: acknowledge within 7 days, feedback within 3 months of receipt.
/// "Due soon" is within 2 days for acknowledgement and 14 days for feedback.
/// </summary>
public static class CaseDeadlines
{
    public static readonly TimeSpan AcknowledgeSoon = TimeSpan.FromDays(2);
    public static readonly TimeSpan FeedbackSoon = TimeSpan.FromDays(14);

    public static Deadline? Next(ReportRecord report, DateTimeOffset now)
    {
        if (report.Status == ReportStatus.Closed)
        {
            return null;
        }
        if (report.AcknowledgedAt is null)
        {
            return new("acknowledge", report.AcknowledgeBy, StateOf(report.AcknowledgeBy, AcknowledgeSoon, now));
        }
        if (report.FeedbackGivenAt is null)
        {
            return new("feedback", report.FeedbackBy, StateOf(report.FeedbackBy, FeedbackSoon, now));
        }
        return null;
    }

    private static DeadlineState StateOf(DateTimeOffset due, TimeSpan soon, DateTimeOffset now) =>
        now > due ? DeadlineState.Overdue : due - now <= soon ? DeadlineState.DueSoon : DeadlineState.OnTrack;
}

/// <summary>
/// Reads the sealed account and involved-people JSON, tolerantly. Involved: an object with a <c>"named"</c> array of
/// directory ids (strings, or objects with an <c>"id"</c>), and any other string or string-array members (for example
/// <c>"described"</c>, <c>"witnesses"</c>). Account: an object whose string or string-array members are the reporter's
/// answers (for example <c>"recall"</c>, <c>"when"</c>, <c>"where"</c>, <c>"howOften"</c>, <c>"impact"</c>, <c>"hopedOutcome"</c>).
/// </summary>
public static class ReportContent
{
    public static IReadOnlyList<Guid> NamedIds(string? involvedJson)
    {
        if (string.IsNullOrEmpty(involvedJson))
        {
            return [];
        }
        using var document = JsonDocument.Parse(involvedJson);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("named", out var named) || named.ValueKind != JsonValueKind.Array)
        {
            return [];
        }
        var ids = new List<Guid>();
        foreach (var item in named.EnumerateArray())
        {
            var text = item.ValueKind switch
            {
                JsonValueKind.String => item.GetString(),
                JsonValueKind.Object when item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String => id.GetString(),
                _ => null,
            };
            if (Guid.TryParse(text, out var guid))
            {
                ids.Add(guid);
            }
        }
        return ids;
    }

    /// <summary>The object's text members in order (arrays joined by new lines), leaving out <paramref name="skip"/>.</summary>
    public static IReadOnlyList<(string Key, string Text)> Fields(string? json, params string[] skip)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return [];
        }
        var fields = new List<(string, string)>();
        foreach (var property in document.RootElement.EnumerateObject().Where(p => !skip.Contains(p.Name)))
        {
            var text = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Array => string.Join('\n', property.Value.EnumerateArray().Select(ArrayItem).Where(t => t is not null)),
                _ => null,
            };
            if (!string.IsNullOrWhiteSpace(text))
            {
                fields.Add((property.Name, text));
            }
        }
        return fields;
    }

    /// <summary>A string, or an attached journal entry (<c>{"writtenAt", "text"}</c>) as "date: text".</summary>
    private static string? ArrayItem(JsonElement item) => item.ValueKind switch
    {
        JsonValueKind.String => item.GetString(),
        JsonValueKind.Object when item.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String =>
            item.TryGetProperty("writtenAt", out var at) && at.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(at.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var when)
                ? $"{when.UtcDateTime:yyyy-MM-dd HH:mm} UTC: {text.GetString()}"
                : text.GetString(),
        _ => null,
    };

    public static string FieldLabel(string key) => key switch
    {
        "recall" or "account" => "What happened",
        "when" => "When",
        "where" => "Where",
        "howOften" => "How often",
        "impact" => "The impact on them",
        "outcome" or "hopedOutcome" => "The outcome they hope for",
        "journal" => "Journal entries they attached",
        "described" or "others" => "Others involved, described",
        "witnesses" => "Witnesses",
        _ => "Other details",
    };

    /// <summary>Builds the involved JSON in the reporter side's shape (<see cref="ReportDraftContent.InvolvedJson"/>); tests and the demo use it.</summary>
    public static string Involved(IEnumerable<Guid> named, string? described = null, string? witnesses = null) =>
        new ReportDraftContent { Named = [.. named], Described = described, Witnesses = witnesses }.InvolvedJson();

    /// <summary>Builds the account JSON in the reporter side's shape (<see cref="ReportDraftContent.AccountJson"/>); tests and the demo use it.</summary>
    public static string Account(string recall, string? when = null, string? impact = null, string? hopedOutcome = null) =>
        new ReportDraftContent { Account = recall, When = when, Impact = impact, Outcome = hopedOutcome }.AccountJson([]);
}
