using Upstander.Features.Cases;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;

namespace Upstander.Features.Demo;

/// <summary>
/// Demo speak-up cases, so a case manager can try case handling at once: a report waiting and overdue for
/// acknowledgement, an acknowledged anonymous one, one under investigation with messages, notes, a plan and a
/// retaliation flag, one whose reporter's identity is held with a reveal request waiting for the custodian, a resolved
/// one and a closed one, all with <see cref="CaseManager"/>; and one that names the case manager's own manager, which
/// the case manager never sees (it waits for another case manager).
/// </summary>
public sealed class DemoSpeakUp(AppDbContext db, FieldProtector protector, TimeProvider clock)
{
    public const string CaseManager = "Rafael Costa";
    public const string Custodian = "Zoe Papadopoulos";

    private sealed record DemoReport(string Pseudonym, ReportWay Way, string? Reporter, bool Held, string Category, string Named, int DaysAgo,
        ReportStatus State, bool Assigned, string Recall);

    private static readonly DemoReport[] Reports =
    [
        new("Amber Kestrel", ReportWay.Named, "Tom O'Neill", false, "verbal-abuse", "Jack Thompson", 9, ReportStatus.Received, false,
            "My shift lead shouts at me in front of customers and calls me useless when I ask a question."),
        new("Harbour Heron", ReportWay.Anonymous, null, true, "intimidation", "Oliver Brown", 5, ReportStatus.Acknowledged, true,
            "A colleague keeps commenting on my clothes and body in the office kitchen, even after I asked him to stop."),
        new("Silver Otter", ReportWay.Named, "Sofia Rossi", false, "verbal-abuse", "Noah Williams", 40, ReportStatus.Investigating, true,
            "I am left out of team meetings on purpose and my work is given to others without telling me."),
        new("Quiet Lark", ReportWay.Named, DemoSupport.Employee, true, "discrimination", "Ben Cohen", 12, ReportStatus.Assessing, true,
            "I was told I would not be put forward for the team lead role because of my accent."),
        new("Copper Finch", ReportWay.Named, "Grace Kim", false, "verbal-abuse", "Yusuf Demir", 70, ReportStatus.Resolved, true,
            "My reviews are rewritten to look worse and I am blamed for mistakes in front of the team."),
        new("Willow Wren", ReportWay.Anonymous, null, true, "other", "Leila Karimi", 120, ReportStatus.Closed, true,
            "Jokes about my religion are made in the team chat and nobody stops them."),
        new("Slate Plover", ReportWay.Named, "Mei Tanaka", false, "verbal-abuse", "Elena Petrova", 3, ReportStatus.Received, false,
            "My manager belittles my work in one-to-ones and threatens my probation."),
    ];

    public async Task SeedAsync(Guid organisationId, IReadOnlyDictionary<string, Guid> people, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var manager = people[CaseManager];
        foreach (var demo in Reports)
        {
            var received = now.AddDays(-demo.DaysAgo);
            var report = ReportRecord.Receive(organisationId, demo.Way, demo.Reporter is { } r ? people[r] : null, demo.Held, demo.Pseudonym,
                demo.Category, null, "Leeds", received);
            report.Seal(
                protector.Seal(ReportContent.Account(demo.Recall, "Most weeks since the spring", "I dread going to work.", "I want it to stop."), ReportRecord.AccountPurpose, report.Id),
                // An anonymous reporter cannot search the directory, so they describe the person in words, as the form asks.
                protector.Seal(demo.Way == ReportWay.Anonymous
                    ? ReportContent.Involved([], $"{demo.Named}, on my team", "Others on the same shift")
                    : ReportContent.Involved([people[demo.Named]], null, "Others on the same shift"), ReportRecord.InvolvedPurpose, report.Id));
            db.Add(report);
            if (demo.Assigned)
            {
                report.Assign(manager);
                db.Add(ReportEvent.Record(report, "assigned", null, null, "routing-rule", null, received.AddMinutes(5)));
            }
            var at = received.AddDays(2);
            var resolvedAt = at;
            foreach (var status in Enum.GetValues<ReportStatus>().Where(s => s > ReportStatus.Received && s <= demo.State))
            {
                var from = report.Status;
                report.MoveTo(status, at);
                resolvedAt = status == ReportStatus.Resolved ? at : resolvedAt;
                db.Add(ReportEvent.Record(report, ReportEvent.StatusKind, from, status, CaseReasons.For(status)[0].Key, manager, at));
                at = at.AddDays(Math.Max(1, (demo.DaysAgo - 3) / 5));
            }
            var number = 0;
            if (demo.State >= ReportStatus.Investigating)
            {
                Message(report, ++number, false, manager, received.AddDays(3), "Thank you for telling us. We are looking into this and will keep you updated here.");
                Message(report, ++number, true, null, received.AddDays(4), "Thank you. It happened again yesterday at the morning briefing.");
                report.FeedbackGiven(received.AddDays(3));
                Note(report, manager, received.AddDays(4), "Two witnesses named; speak to the shift lead first.");
                Plan(report, 1, manager, received.AddDays(4), "Interview the witnesses", received.AddDays(8));
                Plan(report, 2, manager, received.AddDays(4), "Meet the person named", null);
                db.Add(CaseLabel.Add(report, "team culture", received.AddDays(4)));
            }
            if (demo.State >= ReportStatus.Resolved)
            {
                // Resolving tells the reporter how it ended, as the case page requires.
                Message(report, ++number, false, manager, resolvedAt,
                    "We have finished looking into this. The behaviour you reported was confirmed: a formal warning was given and the team had a facilitated session.");
                var outcome = CaseOutcome.For(report);
                outcome.Record("substantiated", protector.Seal("Formal warning; the team had a facilitated session.", CaseOutcome.ActionsPurpose, report.Id), manager, at);
                db.Add(outcome);
                db.Add(ReportEvent.Record(report, ReportEvent.OutcomeKind, null, null, "substantiated", manager, at));
            }
            if (demo.Pseudonym == "Silver Otter")
            {
                report.FlagRetaliation(now.AddDays(-2));
                db.Add(ReportEvent.Record(report, "retaliation-flagged", null, null, null, null, now.AddDays(-2)));
            }
            if (demo.Held && demo.Reporter is not null)
            {
                db.Add(RevealRequest.Ask(report, manager, "needed-for-investigation", now.AddDays(-1)));
                db.Add(ReportEvent.Record(report, "reveal-requested", null, null, "needed-for-investigation", manager, now.AddDays(-1)));
            }
        }
        await db.SaveChangesAsync(ct);
    }

    private void Message(ReportRecord report, int number, bool fromReporter, Guid? author, DateTimeOffset at, string body)
    {
        var message = ReportMessage.Write(report, number, fromReporter, fromReporter ? null : author, at);
        message.SealBody(protector.Seal(body, ReportMessage.BodyPurpose, message.Id));
        db.Add(message);
    }

    private void Note(ReportRecord report, Guid author, DateTimeOffset at, string body)
    {
        var note = CaseNote.Write(report, author, at);
        note.SealBody(protector.Seal(body, CaseNote.BodyPurpose, note.Id));
        db.Add(note);
    }

    private void Plan(ReportRecord report, int position, Guid author, DateTimeOffset at, string text, DateTimeOffset? done)
    {
        var item = CasePlanItem.Add(report, position, author, at);
        item.SealText(protector.Seal(text, CasePlanItem.TextPurpose, item.Id));
        if (done is { } d)
        {
            item.Tick(true, author, d);
        }
        db.Add(item);
    }
}
