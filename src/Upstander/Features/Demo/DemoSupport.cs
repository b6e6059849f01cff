using Upstander.Features.PeerSupport.Conversations;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;

namespace Upstander.Features.Demo;

/// <summary>
/// One demo support request: who asked, when (hours ago), how the safety screen went, and where it stands.
/// </summary>
/// <param name="Requester">A seeded person (never a department head or the chief executive, who are in every supporter's line).</param>
/// <param name="HoursAgo">When the request was made.</param>
/// <param name="Screen">"none" (every answer safe), "urgent" (yes to the self-harm question) or "raised" ("I'd rather not say" to "Are you safe right now?").</param>
/// <param name="State">Waiting, Offered, Active, Closed or Withdrawn.</param>
/// <param name="Supporter">The supporter it is offered to or held by.</param>
/// <param name="Feedback">For a closed one: felt heard, next steps, would recommend (1 to 5), or null for none.</param>
public sealed record DemoRequest(
    string Requester, double HoursAgo, string Screen, RequestStatus State, string? Supporter = null,
    bool ShowName = false, string? Language = null, string Pseudonym = "Teal Heron", (int, int, int)? Feedback = null);

/// <summary>
/// Fills the demo organisation's support queue with a request in every state, written with the real safety screen
/// and the request lifecycle (<see cref="SupportRequestRecord.Offer"/>, <see cref="SupportRequestRecord.Accept"/>,
/// <see cref="SupportRequestRecord.Close"/>, ...), at fixed times relative to now so the demo is the same every time:
/// four waiting (one urgent from the screen, one raised, one asking for a language no supporter speaks), one offered
/// to the demo peer supporter, one open conversation between the demo employee and the demo peer supporter, closed
/// ones with feedback over the past two months (more than the minimum group size in any calendar month), and one withdrawn.
/// </summary>
public sealed class DemoSupport(
    AppDbContext db, SafetyScreen screen, FieldProtector protector, IConfiguration configuration, IHostEnvironment environment, TimeProvider clock)
{
    /// <summary>The demo peer supporter's sign-in (see <see cref="DemoSeeder"/>).</summary>
    public const string Supporter = "Kwame Mensah";

    /// <summary>The demo employee's sign-in, who has an open conversation with <see cref="Supporter"/>.</summary>
    public const string Employee = "Ruth Abebe";

    /// <summary>What the demo employee wrote in her request (sealed like any other).</summary>
    public const string EmployeeWords = "Someone on my shift keeps making comments about my accent in front of customers. I'd like to talk it through before I decide what to do.";

    /// <summary>Closed conversations of the last four weeks that the requester gave feedback on.</summary>
    private static readonly IReadOnlyList<DemoRequest> ClosedWithFeedback =
    [
        new("Liam Chen", 24 * 4, "none", RequestStatus.Closed, "Yusuf Demir", Pseudonym: "Amber Finch", Feedback: (5, 4, 5)),
        new("Priya Nair", 24 * 8, "raised", RequestStatus.Closed, "Ana Silva", ShowName: true, Feedback: (4, 4, 5)),
        new("Chloé Martin", 24 * 11, "none", RequestStatus.Closed, "Ethan Clarke", Pseudonym: "Olive Lark", Feedback: (5, 5, 5)),
        new("Lucas Dubois", 24 * 15, "none", RequestStatus.Closed, "Nadia Kowalski", ShowName: true, Feedback: (3, 4, 4)),
        new("Samuel Adeyemi", 24 * 19, "none", RequestStatus.Closed, "Mateo García", Pseudonym: "Sage Plover", Feedback: (4, 3, 4)),
        new("Ava Murphy", 24 * 24, "none", RequestStatus.Closed, Supporter, ShowName: true, Feedback: (5, 4, 4)),
        new("Ben Cohen", 24 * 28, "none", RequestStatus.Closed, "Omar Farouk", Pseudonym: "Russet Tern", Feedback: (4, 5, 5)),
    ];

    public static readonly IReadOnlyList<DemoRequest> Requests =
    [
        new("Leila Karimi", 0.7, "urgent", RequestStatus.Waiting, Pseudonym: "Coral Wren"),
        new("Fatima Haddad", 5, "raised", RequestStatus.Waiting, ShowName: true),
        new("Noah Williams", 20, "none", RequestStatus.Waiting, ShowName: true, Language: "pl"),
        new("Mei Tanaka", 30, "none", RequestStatus.Waiting, Language: "cy", Pseudonym: "Jade Curlew"),
        new("Tom O'Neill", 2, "none", RequestStatus.Offered, Supporter, ShowName: true),
        new(Employee, 72, "none", RequestStatus.Active, Supporter, ShowName: true),
        .. ClosedWithFeedback,
        new("Sofia Rossi", 24 * 45, "none", RequestStatus.Closed, "Yusuf Demir", Pseudonym: "Ivory Grebe"),
        // Earlier conversations with the same people, one about every four days back to two months, so the last complete
        // month always holds enough feedback to show (people's answers are shown only for completed months and quarters).
        .. Enumerable.Range(0, 9).Select(i => ClosedWithFeedback[i % ClosedWithFeedback.Count] with { HoursAgo = 24 * (32 + 4 * i), Screen = "none" }),
        new("Grace Kim", 24 * 6, "none", RequestStatus.Withdrawn, Pseudonym: "Silver Dipper"),
    ];

    /// <summary>
    /// Seeds <see cref="Requests"/>, each offer with its outcome, and the messages of the demo employee's open conversation
    /// (<see cref="Conversation"/>), the supporter's first reply at its FirstReplyAt.
    /// </summary>
    public async Task SeedAsync(Guid organisationId, IReadOnlyDictionary<string, Guid> people, CancellationToken ct)
    {
        // The demo is seeded before the app starts serving, so before the safety content is loaded at start-up.
        if (!screen.IsLoaded)
        {
            screen.Load(SafetyScreen.ContentFolder(configuration, environment.ContentRootPath)
                ?? throw new SafetyContentException("The demo needs the safety screen content (content/safety)."));
        }
        var now = clock.GetUtcNow();
        foreach (var demo in Requests)
        {
            var created = now.AddHours(-demo.HoursAgo);
            var words = demo.Requester == Employee ? EmployeeWords : null;
            var request = new ValidRequest("experiencing", demo.Screen == "urgent" ? "today" : "this-week", "messages", true, demo.Language, [],
                demo.ShowName, words, Answers(demo.Screen), []);
            var record = SupportRequestRecord.Open(organisationId, people[demo.Requester], request, screen.Screen(request.Answers, words), demo.Pseudonym, created);
            record.SealDetails(words is null ? null : protector.Seal(words, SupportRequestRecord.DetailsPurpose, record.Id));
            db.Add(record);
            Advance(organisationId, record, demo, people, created, now);
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Walks the request through its lifecycle to the demo state, at believable times after it was made.</summary>
    private void Advance(Guid organisationId, SupportRequestRecord record, DemoRequest demo, IReadOnlyDictionary<string, Guid> people, DateTimeOffset created, DateTimeOffset now)
    {
        switch (demo.State)
        {
            case RequestStatus.Withdrawn:
                record.Withdraw(created.AddHours(20));
                return;
            case RequestStatus.Waiting:
                return;
        }
        var supporter = people[demo.Supporter!];
        record.Offer(supporter);
        var urgent = record.Priority != QueuePriority.Routine;
        var offer = SupportOffer.Make(record, supporter, OfferHow.Automatic, null, created.AddMinutes(urgent ? 2 : 10),
            TimeSpan.FromHours(urgent ? MatchingSettings.DefaultUrgentOfferHours : MatchingSettings.DefaultOfferHours));
        db.Add(offer);
        if (demo.State == RequestStatus.Offered)
        {
            return;
        }
        // Urgent and raised requests are picked up faster; every one a little differently.
        var accepted = created.AddMinutes(demo.Screen == "none" ? 95 + (demo.HoursAgo % 7 * 20) : 25);
        offer.Accept(accepted);
        record.Accept(accepted);
        var replied = accepted.AddMinutes(20 + (demo.HoursAgo % 5 * 10));
        record.SupporterReplied(replied);
        if (demo.State == RequestStatus.Active)
        {
            if (demo.Requester == Employee)
            {
                Converse(organisationId, record, people[Employee], supporter, replied);
            }
            return;
        }
        var closed = accepted.AddDays(2);
        record.Close(demo.Feedback is null ? ClosedBy.Supporter : ClosedBy.Requester, closed < now ? closed : now);
        if (demo.Feedback is var (heard, next, recommend))
        {
            db.Add(SupportFeedbackRecord.Answer(organisationId, record.Id, supporter, heard, next, recommend, record.ClosedAt!.Value.AddHours(3)));
        }
    }

    /// <summary>The demo conversation between <see cref="Employee"/> and <see cref="Supporter"/> (sealed like any other).</summary>
    public static readonly IReadOnlyList<(string Side, double MinutesAfterReply, string Text)> Conversation =
    [
        (ConversationSide.Supporter, 0, "Hello, I'm Kwame, one of the peer supporters. Thank you for reaching out. I've read your request: would you like to tell me a bit more about what has been happening on your shift?"),
        (ConversationSide.Requester, 35, "Thanks for getting back to me. It's mostly one colleague. He copies my accent when I'm on the phone with customers and the others laugh. It's been going on for about two months."),
        (ConversationSide.Supporter, 50, "That sounds really wearing, especially in front of customers. You don't have to decide anything today. Would it help to talk it through on a call this week? I can also tell you what your options are if you want to raise it."),
    ];

    private void Converse(Guid organisationId, SupportRequestRecord record, Guid employee, Guid supporter, DateTimeOffset replied)
    {
        var number = 0;
        foreach (var (side, minutes, text) in Conversation)
        {
            var author = side == ConversationSide.Supporter ? supporter : employee;
            var message = ConversationMessage.Write(organisationId, record.Id, ++number, author, side, MessageKind.Text, null, replied.AddMinutes(minutes));
            message.SealBody(protector.Seal(text, ConversationMessage.BodyPurpose, message.Id));
            db.Add(message);
        }
        // The supporter has read everything; the employee has one new reply waiting.
        var supporterRead = ConversationRead.Start(organisationId, record.Id, supporter);
        supporterRead.ReadUpTo(number, replied.AddMinutes(Conversation[^1].MinutesAfterReply));
        var employeeRead = ConversationRead.Start(organisationId, record.Id, employee);
        employeeRead.ReadUpTo(number - 1, replied.AddMinutes(Conversation[^2].MinutesAfterReply));
        db.AddRange(supporterRead, employeeRead);
    }

    /// <summary>An answer to every safety question: safe ones, or the risk answer to the self-harm question, or "I'd rather not say" to "Are you safe right now?".</summary>
    private Dictionary<string, ScreenAnswer> Answers(string level) => screen.Questions.Questions.ToDictionary(
        q => q.Id,
        q => (level, q.Id) switch
        {
            ("urgent", "self-harm") => q.RiskAnswer,
            ("raised", "safe-now") => ScreenAnswer.RatherNotSay,
            _ => q.RiskAnswer == ScreenAnswer.Yes ? ScreenAnswer.No : ScreenAnswer.Yes,
        });
}
