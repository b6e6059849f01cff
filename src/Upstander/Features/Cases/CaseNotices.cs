using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Cases;

/// <summary>
/// Emails that tell case managers and custodians that work waits for them (a case given to them; a reporter who wrote,
/// or said at a check-in that they are being treated worse; a reveal request to decide), when mail is on: the kind of work and the link, never the report's content, category, reporter or anyone
/// named (<see cref="WorkMail"/>). Queued with the caller's next save. Scoped.
/// </summary>
public sealed class CaseNotices(WorkMail mail, CaseConflicts conflicts, IStringLocalizer<SharedResource> t)
{
    public const string AssignedPurpose = "speak-up.case-assigned";
    public const string RevealPurpose = "speak-up.reveal-requested";
    public const string ReporterWrotePurpose = "speak-up.reporter-wrote";
    public const string RetaliationReportedPurpose = "speak-up.retaliation-reported";

    /// <summary>Tells the case manager a case is now theirs (routed to them by a rule, or handed over by a colleague).</summary>
    public async Task AssignedAsync(ReportRecord report, Guid caseManager, CancellationToken ct)
    {
        if (!mail.Enabled)
        {
            return;
        }
        var organisation = await mail.OrganisationAsync(ct);
        foreach (var to in await mail.RecipientsAsync([caseManager], ct))
        {
            mail.Queue(AssignedPurpose, report.Id, to, t["{0}: a case is waiting for you", organisation],
                t["A report of bullying has been given to you to handle. Its next deadline is on your list of cases."],
                mail.Link("/cases"),
                t["This email says nothing about the report, on purpose: you see it once you sign in."]);
        }
    }

    /// <summary>
    /// Tells the case's case manager that its reporter has written (every case manager who may see the case, when nobody
    /// holds it), open or closed. The caller asks only for the first message no case manager has read yet, so a reporter
    /// who writes three times before anyone looks sends one email, not three.
    /// </summary>
    public Task ReporterWroteAsync(ReportRecord report, CancellationToken ct) =>
        TellCaseSideAsync(report, ReporterWrotePurpose, organisation => t["{0}: a reporter has written to the case team", organisation],
            report.Status == ReportStatus.Closed
                ? t["The reporter of a case that was closed has written again. Please read it and decide whether to reopen the case."]
                : t["The reporter of a case you may work has written. Please read it and answer."],
            t["This email says nothing about the report or what was written, on purpose: you see it once you sign in."], ct);

    /// <summary>
    /// Tells the case's case manager (every case manager who may see the case, when nobody holds it) that its reporter
    /// answered a retaliation check-in with yes, open or closed: the kind of work and the link, nothing of the case.
    /// </summary>
    public Task RetaliationReportedAsync(ReportRecord report, CancellationToken ct) =>
        TellCaseSideAsync(report, RetaliationReportedPurpose, organisation => t["{0}: a reporter says they are being treated worse since reporting", organisation],
            t["The reporter of a case you may work answered a check-in: they have been treated worse since they reported. Please look at the case first."],
            t["This email says nothing about the report, on purpose: you see it once you sign in."], ct);

    /// <summary>Emails the case manager holding the case (with nobody holding it, every case manager who may see it) a link to <c>/cases</c>.</summary>
    private async Task TellCaseSideAsync(ReportRecord report, string purpose, Func<string, string> subject, string what, string nothingMore, CancellationToken ct)
    {
        if (!mail.Enabled)
        {
            return;
        }
        var recipients = report.AssigneeId is { } assignee
            ? await mail.RecipientsAsync([assignee], ct)
            : await MaySeeInRoleAsync(report, Roles.CaseManager, ct);
        var organisation = await mail.OrganisationAsync(ct);
        foreach (var to in recipients)
        {
            mail.Queue(purpose, report.Id, to, subject(organisation), what, mail.Link("/cases"), nothingMore);
        }
    }

    /// <summary>Tells every custodian who may decide it (not conflicted on the report, and not <paramref name="requestedBy"/>) that a reveal request waits.</summary>
    public async Task RevealRequestedAsync(ReportRecord report, Guid requestedBy, CancellationToken ct)
    {
        if (!mail.Enabled)
        {
            return;
        }
        var organisation = await mail.OrganisationAsync(ct);
        foreach (var custodian in (await MaySeeInRoleAsync(report, Roles.Custodian, ct)).Where(c => c.PersonId != requestedBy))
        {
            mail.Queue(RevealPurpose, report.Id, custodian, t["{0}: a decision is waiting for you as identity custodian", organisation],
                t["A case manager has asked to see the name of a reporter who asked for it to be held back. Please approve or refuse on the page below."],
                mail.Link("/custodian"),
                t["This email says nothing about the report or who it is, on purpose: you see only what you need once you sign in."]);
        }
    }

    /// <summary>Everyone who holds <paramref name="role"/> and is not conflicted on the report (<see cref="CaseConflicts.MaySeeAsync"/>).</summary>
    private async Task<IReadOnlyList<WorkRecipient>> MaySeeInRoleAsync(ReportRecord report, string role, CancellationToken ct)
    {
        var maySee = new List<WorkRecipient>();
        foreach (var person in await mail.InRoleAsync(role, ct))
        {
            if (await conflicts.MaySeeAsync(report, person.PersonId, ct))
            {
                maySee.Add(person);
            }
        }
        return maySee;
    }
}
