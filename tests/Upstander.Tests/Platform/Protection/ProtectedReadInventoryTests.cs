using System.Text.RegularExpressions;

namespace Upstander.Tests.Platform.Protection;

/// <summary>
/// Every place that opens sealed text, and how its reading is accounted for. A read by anyone but the text's own author,
/// or of a thread with someone else in it, records <c>protected.read</c> before anything is shown (docs/privacy.md,
/// docs/audit-log.md); an author reading what only they can read is not audited; and some openings are Upstander's own
/// use, never shown to anyone. A new place that opens sealed text fails this test until it is listed here with the
/// test that shows its read is audited (or why it is not a read), so a new unaudited way to read cannot slip in.
/// </summary>
public sealed partial class ProtectedReadInventoryTests
{
    private const string Audited = "audited read";
    private const string OwnText = "the author's own text, readable by nobody else: not an audited read";
    private const string Internal = "opened for Upstander's own use, never shown";

    /// <summary>
    /// (file under src/Upstander, what is opened) → how its reading is accounted for. "What is opened" is the purpose passed
    /// to <c>FieldProtector.Open</c>, or a method that opens sealed text and leaves the audit to its caller.
    /// </summary>
    private static readonly Dictionary<string, string> Inventory = new()
    {
        // Reads by someone other than the author, or of a shared thread: audited, each with a test that counts the events.
        ["Features/Cases/CaseWork.cs: purpose"] = $"{Audited}: CaseWork.OpenAsync records the case read first (CaseFlowTests)",
        ["Features/Cases/Case.cshtml.cs: files.Named"] = $"{Audited}: shown on the case page after CaseWork.OpenAsync's read (CaseFlowTests)",
        ["Features/Cases/Case.cshtml.cs: files.OpenAsync"] = $"{Audited}: each evidence download (CaseEvidenceTests)",
        ["Features/SpeakUp/Reporting/ReporterFollowUp.cs: ReportRecord.AccountPurpose"] = $"{Audited}: each showing of the follow-up page and each copy, by the reporter (held back when hidden) (ProtectedReadAuditTests, ReportCopyTests)",
        ["Features/SpeakUp/Reporting/ReporterFollowUp.cs: ReportRecord.InvolvedPurpose"] = $"{Audited}: as above",
        ["Features/SpeakUp/Reporting/ReporterFollowUp.cs: ReportMessage.BodyPurpose"] = $"{Audited}: as above",
        ["Features/SpeakUp/Reporting/ReporterFollowUp.cs: files.Named"] = $"{Audited}: as above",
        ["Features/SpeakUp/Reporting/ReporterFollowUp.cs: files.OpenAsync"] = $"{Audited}: each download of the reporter's own file (ReportingTests, ReporterAuditTests)",
        ["Features/PeerSupport/Conversations/Conversations.cs: ConversationMessage.BodyPurpose"] = $"{Audited}: each page view or poll with content, by either participant (ConversationTests, RequesterAuditTests)",
        ["Features/PeerSupport/Conversations/Conversations.cs: ConversationMeeting.PlacePurpose"] = $"{Audited}: in the page view's read (ConversationTests)",
        ["Features/PeerSupport/Conversations/Conversations.cs: ConversationMeeting.PlacePurpose #2"] = $"{Audited}: each calendar file with a place (ConversationTests)",
        ["Features/PeerSupport/Conversations/Conversations.cs: SupporterNote.NotePurpose"] = $"{Audited}: in the page view's read (ConversationTests)",
        ["Features/PeerSupport/Care/SupporterCare.cs: DebriefRequest.NotePurpose"] = $"{Audited}: by a coordinator; not when its author reads it (SupporterCareTests)",
        ["Features/People/PersonEditor.cs: Person.ConfidentialNotePurpose"] = $"{Audited}: each reading of the note by an administrator (AdminPeopleTests)",
        ["Features/Training/SupporterCertification.cs: SignOffRequest.NotePurpose"] = $"{Audited}: by the candidate or another coordinator; not by the coordinator who wrote it (ProtectedReadAuditTests)",
        ["Features/Training/TrainingEvaluationData.cs: ModuleReaction.CommentPurpose"] = $"{Audited}: each view of a module's released comments (TrainingEvaluationPageTests)",

        // The author's own text, which only they can open.
        ["Features/SpeakUp/Reporting/IncidentJournal.cs: JournalEntry.TextPurpose"] = OwnText,
        ["Features/SpeakUp/Reporting/JournalEntry.cshtml.cs: journal.Open"] = OwnText,
        ["Features/SpeakUp/Reporting/JournalEntry.cshtml.cs: journal.Open #2"] = $"{OwnText} (shown again after a refused edit)",
        ["Features/SpeakUp/Reporting/ReportSubmission.cs: ReportDraft.ContentPurpose"] = OwnText,
        ["Features/PeerSupport/Requests/SupportRequests.cs: SupportRequestRecord.DetailsPurpose"] = OwnText,
        ["Features/PeerSupport/Requests/Request.cshtml.cs: .OwnDetails"] = OwnText,
        ["Features/Training/Reaction.cshtml.cs: ModuleReaction.CommentPurpose"] = OwnText,
        ["Features/Training/Reaction.cshtml.cs: ModuleReaction.CommentPurpose #2"] = $"{OwnText} (compared with the words posted, to keep an unchanged comment as it was sealed; not shown)",
        ["Features/Training/DevelopmentLog.cs: DevelopmentEntry.ReflectionPurpose"] = OwnText,
        ["Features/Accounts/AccountStore.cs: Purpose(loginProvider"] = $"{OwnText}: the authenticator secret, checked at sign-in and shown to its owner while setting it up",

        // Upstander's own use.
        ["Features/Cases/CaseConflicts.cs: ReportRecord.InvolvedPurpose"] = $"{Internal}: the named ids, for the conflict-of-interest rule",
        ["Features/SpeakUp/Reporting/ReportSubmission.cs: JournalEntry.TextPurpose"] = $"{Internal}: journal entries copied, sealed, into the report being sent",
        ["Features/SpeakUp/Reporting/ReportFiles.cs: ReportFile.KeyPurpose"] = $"{Internal}: the file's key; ReportFiles.OpenAsync's callers audit",
        ["Features/SpeakUp/Reporting/ReportFiles.cs: ReportFile.NamePurpose"] = $"{Internal}: ReportFiles.NameOf, for Named (every file, the list pages) and OpenAsync (the one file downloaded); their callers audit",
        ["Features/SpeakUp/Escrow/EscrowStore.cs: AttestationPurpose"] = $"{Internal}: checks who attested an escrow entry at release",
        ["Features/PeerSupport/Offers/SupportOffers.cs: SuggestionPurpose"] = $"{Internal}: a suggestion token's supporter id",
        ["Platform/Mail/MailOutbox.cs: OutgoingMail.MessagePurpose"] = $"{Internal}: an email handed to the mail server",
    };

    [Fact]
    public void Every_place_that_opens_sealed_text_is_listed_with_how_its_reading_is_audited()
    {
        var found = Openings();
        var unlisted = found.Where(f => !Inventory.ContainsKey(f)).Order(StringComparer.Ordinal).ToList();
        unlisted.ShouldBeEmpty(
            "These open sealed text and are not listed. If a person reads what is opened, record protected.read before showing it " +
            "(AuditLog.RecordReadAsync, or RecordByReporter / RecordAsHiddenRequester for hidden actors), add a test that counts the " +
            "events, and list it in ProtectedReadInventoryTests:" + Environment.NewLine + string.Join(Environment.NewLine, unlisted));
        Inventory.Keys.Where(k => !found.Contains(k)).ShouldBeEmpty("listed, but no longer in the code: remove them from the inventory");
    }

    [Fact]
    public void Sealed_text_is_opened_only_through_the_names_the_inventory_looks_for()
    {
        // The inventory finds openings by the name of what opens them; a differently named one would not be found.
        var offenders = Sources()
            .SelectMany(s => Receiver().Matches(s.Text).Where(m => !Line(s.Text, m.Index).TrimStart().StartsWith("//", StringComparison.Ordinal))
                .Select(m => (s.File, Type: m.Groups["type"].Value, Name: m.Groups["name"].Value)))
            .Where(r => r.Name != ExpectedName[r.Type])
            .Select(r => $"{r.File}: {r.Type} {r.Name} (call it {ExpectedName[r.Type]})")
            .ToList();
        offenders.ShouldBeEmpty(string.Join(Environment.NewLine, offenders));
        Openings().Count.ShouldBeGreaterThan(25, "the scan finds the openings");
    }

    private static readonly Dictionary<string, string> ExpectedName = new()
    {
        ["FieldProtector"] = "protector",
        ["ReportFiles"] = "files",
        ["IncidentJournal"] = "journal",
    };

    /// <summary>Each opening as "file: what", the second and later of the same in one file numbered ("… #2"), so that one more is a new entry.</summary>
    private static HashSet<string> Openings() =>
        [.. Sources().SelectMany(s => Opening().Matches(s.Text)
            .Where(m => !Line(s.Text, m.Index).TrimStart().StartsWith("//", StringComparison.Ordinal))
            .Select(m => $"{s.File}: {(m.Groups["purpose"].Success ? m.Groups["purpose"].Value.Trim() : m.Groups["wrapper"].Value)}")
            .GroupBy(key => key)
            .SelectMany(g => g.Select((key, i) => i == 0 ? key : $"{key} #{i + 1}")))];

    private static string Line(string text, int index)
    {
        var start = text.LastIndexOf('\n', Math.Max(index - 1, 0)) + 1;
        return text[start..index];
    }

    private static IEnumerable<(string File, string Text)> Sources()
    {
        var root = SourceFolder();
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => !Path.GetRelativePath(root, f).StartsWith("Platform" + Path.DirectorySeparatorChar + "Protection", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllText(f)));
    }

    private static string SourceFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "src", "Upstander");
            if (Directory.Exists(Path.Combine(candidate, "Features")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("src/Upstander was not found above the test output.");
    }

    [GeneratedRegex(@"\bprotector\.Open\(\s*[^,]+,\s*(?<purpose>[^,]+),|(?<wrapper>\bfiles\.Named|\bfiles\.OpenAsync|\bjournal\.Open|\.OwnDetails)\(")]
    private static partial Regex Opening();

    [GeneratedRegex(@"\b(?<type>FieldProtector|ReportFiles|IncidentJournal)\s+(?<name>[a-z_]\w*)\s*[,)=;]")]
    private static partial Regex Receiver();
}
