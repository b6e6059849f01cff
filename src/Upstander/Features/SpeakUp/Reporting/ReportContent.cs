using System.Text.Json;
using System.Text.Json.Serialization;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>
/// What a reporter wrote, before it is sealed: free recall first, then the open prompts, the category and routing
/// hints, and who was involved. The same shape is a draft, a named or anonymous report, and a released escrow report.
/// </summary>
public sealed record ReportDraftContent
{
    /// <summary>Free recall: what happened, in the reporter's own words (required to send).</summary>
    public string? Account { get; init; }
    public string? When { get; init; }
    public string? Where { get; init; }
    public string? HowOften { get; init; }
    public string? Impact { get; init; }
    public string? Outcome { get; init; }

    /// <summary>A key from <see cref="ReportCategories.All"/> (required to send).</summary>
    public string? Category { get; init; }
    public Guid? DepartmentId { get; init; }
    public string? Location { get; init; }

    /// <summary>People named from the directory (signed-in reporters only).</summary>
    public IReadOnlyList<Guid> Named { get; init; } = [];

    /// <summary>Others involved, described in words.</summary>
    public string? Described { get; init; }
    public string? Witnesses { get; init; }

    /// <summary>The reporter's own journal entries to attach (copied, sealed with the account, when sent).</summary>
    public IReadOnlyList<Guid> JournalEntries { get; init; } = [];

    public bool IsEmpty =>
        new[] { Account, When, Where, HowOften, Impact, Outcome, Category, Location, Described, Witnesses }.All(string.IsNullOrWhiteSpace)
        && DepartmentId is null && Named.Count == 0 && JournalEntries.Count == 0;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ReportDraftContent FromJson(string json) => JsonSerializer.Deserialize<ReportDraftContent>(json, Json) ?? new();

    /// <summary>The sealed account of a report: the reporter's words and the journal entries they attached.</summary>
    public string AccountJson(IReadOnlyList<AttachedJournalEntry> journal) =>
        JsonSerializer.Serialize(new ReportAccount(Account?.Trim() ?? "", Clean(When), Clean(Where), Clean(HowOften), Clean(Impact), Clean(Outcome), journal), Json);

    /// <summary>The sealed "who was involved" of a report: directory ids, descriptions, witnesses.</summary>
    public string InvolvedJson() => JsonSerializer.Serialize(new ReportInvolved(Named, Clean(Described), Clean(Witnesses)), Json);

    public static ReportAccount ReadAccount(string json) => JsonSerializer.Deserialize<ReportAccount>(json, Json)!;

    public static ReportInvolved ReadInvolved(string json) => JsonSerializer.Deserialize<ReportInvolved>(json, Json)!;

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>A journal entry as attached to a report: when it was written and its text.</summary>
public sealed record AttachedJournalEntry(DateTimeOffset WrittenAt, string Text);

/// <summary>The JSON sealed into <c>reports.AccountSealed</c>.</summary>
public sealed record ReportAccount(string Account, string? When, string? Where, string? HowOften, string? Impact, string? Outcome, IReadOnlyList<AttachedJournalEntry> Journal);

/// <summary>The JSON sealed into <c>reports.InvolvedSealed</c>.</summary>
public sealed record ReportInvolved(IReadOnlyList<Guid> Named, string? Described, string? Witnesses);

/// <summary>The fixed list of categories a reporter chooses from (key, English label = localization key).</summary>
public static class ReportCategories
{
    public static readonly IReadOnlyList<(string Key, string Label)> All =
    [
        ("verbal-abuse", "Verbal abuse: shouting, insults, humiliation"),
        ("exclusion", "Being left out or ignored"),
        ("undermining-work", "Undermining my work: impossible demands, withheld information, unfair criticism"),
        ("intimidation", "Intimidation or threats"),
        ("cyberbullying", "Online: messages, email, social media"),
        ("discrimination", "Related to who I am (for example sex, race, disability, age, religion or sexuality)"),
        ("other", "Something else"),
    ];

    public static bool IsKnown(string? key) => All.Any(c => c.Key == key);

    public static string Label(string key) => All.FirstOrDefault(c => c.Key == key).Label ?? key;
}

/// <summary>The checks on what a reporter wrote; shared by the named and anonymous forms and by drafts.</summary>
public static class ReportRules
{
    public const int AccountMaxLength = 20_000;
    public const int PromptMaxLength = 5_000;
    public const int LocationMaxLength = 100;
    public const int MaxNamed = 10;
    public const int MaxJournalEntries = 20;
    public const int PassphraseMinLength = 12;
    public const int PassphraseMaxLength = 200;

    /// <summary>Problems with the content (field, English message = localization key). <paramref name="toSend"/> also requires what sending needs.</summary>
    public static List<(string Field, string Message)> Check(ReportDraftContent content, bool toSend)
    {
        var problems = new List<(string, string)>();
        if (toSend && string.IsNullOrWhiteSpace(content.Account))
        {
            problems.Add((nameof(content.Account), "Tell us what happened, in your own words."));
        }
        if (content.Account is { Length: > AccountMaxLength })
        {
            problems.Add((nameof(content.Account), "What happened is longer than we can take. Please shorten it."));
        }
        foreach (var (field, value) in new[]
        {
            (nameof(content.When), content.When), (nameof(content.Where), content.Where), (nameof(content.HowOften), content.HowOften),
            (nameof(content.Impact), content.Impact), (nameof(content.Outcome), content.Outcome), (nameof(content.Described), content.Described),
            (nameof(content.Witnesses), content.Witnesses),
        })
        {
            if (value is { Length: > PromptMaxLength })
            {
                problems.Add((field, "One of your answers is longer than we can take. Please shorten it."));
            }
        }
        if ((toSend || !string.IsNullOrEmpty(content.Category)) && !ReportCategories.IsKnown(content.Category))
        {
            problems.Add((nameof(content.Category), "Choose what kind of behaviour it was."));
        }
        if (content.Location is { Length: > LocationMaxLength })
        {
            problems.Add((nameof(content.Location), "The place is too long."));
        }
        if (content.Named.Count > MaxNamed)
        {
            problems.Add((nameof(content.Named), "Choose people from the directory search."));
        }
        if (content.JournalEntries.Count > MaxJournalEntries)
        {
            problems.Add((nameof(content.JournalEntries), "Choose entries from your journal."));
        }
        return problems;
    }

    public static string? CheckPassphrase(string? passphrase, string? confirmation) =>
        passphrase is null || passphrase.Length < PassphraseMinLength || passphrase.Length > PassphraseMaxLength
            ? "Choose a passphrase of at least 12 characters."
            : passphrase != confirmation ? "The two passphrases are not the same." : null;
}
