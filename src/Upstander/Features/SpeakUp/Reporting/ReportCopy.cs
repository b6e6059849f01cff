using System.Text;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Web;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>
/// The reporter's own copy of their report: where it stands, what they wrote, the people they named, the names of
/// the files they added and every message, as a plain UTF-8 text file. Someone who leaves, or who takes the matter
/// further elsewhere, keeps their record without depending on Upstander.
/// </summary>
public static class ReportCopy
{
    /// <summary>The prompts' answers and the involved people's descriptions, with their labels (localization keys), in page order.</summary>
    public static IEnumerable<(string Label, string Answer)> Answers(ReportAccount account, ReportInvolved? involved) =>
        new[]
        {
            ("When", account.When), ("Where", account.Where), ("How often", account.HowOften), ("Impact on you", account.Impact),
            ("The outcome you hope for", account.Outcome), ("Others involved", involved?.Described), ("Witnesses", involved?.Witnesses),
        }.Where(a => a.Item2 is not null).Select(a => (a.Item1, a.Item2!));

    public static string FileName(FollowUpView view) =>
        $"upstander-report-{view.Report.ReceivedAt.UtcDateTime:yyyy-MM-dd}.txt";

    public static byte[] Write(FollowUpView view, IStringLocalizer<SharedResource> t, OrganisationTime time, DateTimeOffset now)
    {
        var r = view.Report;
        var text = new StringBuilder();
        void Line(string value = "") => text.Append(value).Append('\n');
        void Heading(string value)
        {
            Line();
            Line(value);
            Line(new string('=', value.Length));
        }

        Line(t["Your report"]);
        Line(t["A copy made on {0}. Keep it somewhere only you can read.", time.When(now)]);
        Heading(t["Where it stands"]);
        Line($"{t["Status"]}: {t[ReportStatusWords.Of(r.Status)]}");
        Line($"{t["Sent"]}: {time.When(r.ReceivedAt)}");
        Line($"{t["Acknowledged"]}: {(r.AcknowledgedAt is { } acknowledged ? time.When(acknowledged) : t["Not yet: due by {0}", time.When(r.AcknowledgeBy)].Value)}");
        Line($"{t["Feedback on what is being done"]}: {(r.FeedbackGivenAt is { } feedback ? time.When(feedback) : t["Due by {0}", time.When(r.FeedbackBy)].Value)}");
        Line($"{t["Kind of behaviour"]}: {t[ReportCategories.Label(r.Category)]}");
        if (view.Account is { } account)
        {
            Heading(t["What you wrote"]);
            Line(account.Account);
            foreach (var (label, answer) in Answers(account, view.Involved))
            {
                Heading(t[label]);
                Line(answer);
            }
            if (view.InvolvedNames.Count > 0)
            {
                Heading(t["People you named"]);
                foreach (var name in view.InvolvedNames)
                {
                    Line("- " + name);
                }
            }
            if (account.Journal.Count > 0)
            {
                Heading(t["Journal entries you attached"]);
                foreach (var entry in account.Journal)
                {
                    Line($"- {time.When(entry.WrittenAt)}: {entry.Text}");
                }
            }
            if (view.Files.Count > 0)
            {
                Heading(t["Files you added"]);
                foreach (var file in view.Files)
                {
                    Line("- " + file.Name);
                }
            }
        }
        Heading(t["Messages"]);
        if (view.Messages.Count == 0)
        {
            Line(t["No messages yet."]);
        }
        foreach (var m in view.Messages)
        {
            Line();
            Line($"{(m.FromReporter ? t["You"] : t["Case manager"])}, {time.When(m.SentAt)}:");
            Line(m.Body);
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
