using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Mail;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Accounts;

/// <summary>Why an invitation could not be created: each has a sentence for the page and a status for the API.</summary>
public enum InvitationRefusal
{
    None,
    PersonNotFound,
    PersonHasLeft,
    AlreadyHasAccount,
    /// <summary>
    /// Another account, in any organisation, already uses the person's work email (accounts are unique across the
    /// installation), so an invitation could never be accepted. Which account is not said.
    /// </summary>
    EmailHasAccount,
    AlreadyInvited,
    UnknownRole,
    /// <summary>The inviter's browser session did not sign in or confirm recently enough (<see cref="RecentSignIn"/>).</summary>
    NotRecent,
    /// <summary>The inviter has issued as many invitations in the last hour as one person may (<see cref="InvitationIssuer.CreateForEveryoneAsync"/>).</summary>
    HourlyLimit,
}

/// <summary>
/// A new invitation and its link. The link exists only here and, when <see cref="Emailed"/>, sealed in the outbox
/// until the message has gone: the invitation itself keeps a hash.
/// </summary>
public sealed record IssuedInvitation(Invitation Invitation, string PersonName, string WorkEmail, string Link, bool Emailed);

/// <summary>
/// Creates and revokes invitations for the admin pages and the API alike, so the rules (someone with an account, or whose
/// work email another account uses, or with a pending invitation cannot be invited again) hold on every route. An
/// organisation's invitations are made one issuer at a time (<see cref="IssueSection"/>), each checking the rules again
/// there, so of two at once for one person (two administrators, two tabs, one person while everyone is invited) one is
/// made and the other is told one is waiting. An invitation's link is a way into a new account with its roles, so each
/// needs a recent sign-in (<see cref="RecentSignIn.AllowsAsync"/>), checked here for every caller before anything else.
/// </summary>
public sealed class InvitationIssuer(
    AppDbContext db, CurrentActor actor, AuditLog audit, TimeProvider clock, IConfiguration configuration,
    MailOutbox outbox, OrganisationTime time, IStringLocalizer<SharedResource> t, RecentSignIn recent, ExclusiveLocks locks,
    UserManager<Account> users)
{
    public const string AcceptPath = "/account/invitation";
    public const string MailPurpose = "invitation";

    /// <summary>The section (<see cref="ExclusiveLocks"/>) in which an organisation's invitations are made, one issuer at a time.</summary>
    public const string IssueSection = "accounts.invitation-issue";

    /// <summary>
    /// Invites one person. With <paramref name="email"/> and a mail server configured, the link is also emailed to their
    /// work address, queued in the same unit of work as the invitation. <paramref name="requestAddress"/>, the address the
    /// inviter's browser used, is used for a link that is only shown to them (<see cref="LinkFor"/>).
    /// </summary>
    public async Task<(IssuedInvitation? Issued, InvitationRefusal Refusal)> CreateAsync(
        Guid personId, IReadOnlyCollection<string> roles, string requestAddress, bool email, CancellationToken ct)
    {
        if (!await recent.AllowsAsync())
        {
            return (null, InvitationRefusal.NotRecent);
        }
        if (roles.Any(r => !Roles.IsKnown(r)))
        {
            return (null, InvitationRefusal.UnknownRole);
        }
        var now = clock.GetUtcNow();
        var person = await db.People.Where(p => p.Id == personId)
            .Select(p => new { p.Id, p.OrganisationId, p.Name, p.WorkEmail, p.LeaveDate })
            .SingleOrDefaultAsync(ct);
        if (person is null)
        {
            return (null, InvitationRefusal.PersonNotFound);
        }
        if (person.LeaveDate is { } leave && leave <= time.Today)
        {
            return (null, InvitationRefusal.PersonHasLeft);
        }
        // Most refusals are answered here, without waiting for the section; within it the rules are checked again.
        if (await RefusalAsync(person.Id, person.WorkEmail, now, ct) is not InvitationRefusal.None and var refusal)
        {
            return (null, refusal);
        }
        await using (var section = await locks.EnterAsync(db, IssueSection, person.OrganisationId, ct))
        {
            // Another issuer may have invited the person since (or another organisation's acceptance taken the address).
            if (await RefusalAsync(person.Id, person.WorkEmail, now, ct) is not InvitationRefusal.None and var since)
            {
                return (null, since);
            }
            var (invitation, token) = Invitation.Create(person.OrganisationId, person.Id, roles.Append(Roles.Employee), actor.Id, now);
            db.Invitations.Add(invitation);
            audit.Record(AuditActions.InvitationCreated, "invitation", invitation.Id, detail: "roles=" + invitation.Roles.Replace(',', '+'));
            var emailed = email && outbox.Enabled;
            var issued = new IssuedInvitation(invitation, person.Name, person.WorkEmail, LinkFor(token, requestAddress, emailed), emailed);
            if (issued.Emailed)
            {
                QueueEmail(issued, await Organisation.NameAsync(db, person.OrganisationId, ct));
            }
            await db.SaveChangesAsync(ct);
            return (issued, InvitationRefusal.None);
        }
    }

    /// <summary>Why the person cannot be invited now, if they cannot: they have an account, their address has one, or an invitation is waiting.</summary>
    private async Task<InvitationRefusal> RefusalAsync(Guid personId, string workEmail, DateTimeOffset now, CancellationToken ct) =>
        // Accounts carry no organisation query filter, so the person id (already scoped by the caller) is the guard.
        await db.Users.AnyAsync(a => a.PersonId == personId, ct) ? InvitationRefusal.AlreadyHasAccount
        : (await AccountEmails.ForAsync(db, users, [workEmail], ct)).HeldByAnother(workEmail, null) ? InvitationRefusal.EmailHasAccount
        : await db.Invitations.AnyAsync(i => i.PersonId == personId && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct) ? InvitationRefusal.AlreadyInvited
        : InvitationRefusal.None;

    /// <summary>
    /// Invites up to <paramref name="limit"/> people who have no account or pending invitation, as employees,
    /// in one unit of work, each emailed their link when a mail server is configured. Returns the links, which
    /// otherwise exist only in this result. <see cref="InvitationRefusal.NotRecent"/>, with none made, unless
    /// <see cref="RecentSignIn.AllowsAsync"/>. Counts the hour's budget, finds the people and invites them within the
    /// <see cref="IssueSection"/>, so no other issuer invites one of them, or spends the same budget, meanwhile.
    /// </summary>
    public async Task<(IReadOnlyList<IssuedInvitation> Issued, InvitationRefusal Refusal)> CreateForEveryoneAsync(int limit, string requestAddress, CancellationToken ct)
    {
        if (!await recent.AllowsAsync())
        {
            return ([], InvitationRefusal.NotRecent);
        }
        await using var section = await locks.EnterAsync(db, IssueSection, db.CurrentOrganisationId ?? throw new InvalidOperationException("No organisation entered."), ct);
        // The rate limiter counts submissions, and one submission here issues many: so the hour's budget is what this inviter
        // has issued in the last hour, read from the invitations themselves (which also holds across processes).
        var now = clock.GetUtcNow();
        var since = now - TimeSpan.FromHours(1);
        var room = limit - await db.Invitations.CountAsync(i => i.InvitedBy == actor.Id && i.CreatedAt > since, ct);
        if (room <= 0)
        {
            return ([], InvitationRefusal.HourlyLimit);
        }
        var people = await Uninvited().OrderBy(p => p.Name).ThenBy(p => p.Id).Take(room)
            .Select(p => new { p.Id, p.OrganisationId, p.Name, p.WorkEmail })
            .ToListAsync(ct);
        var issued = new List<IssuedInvitation>(people.Count);
        string? organisationName = null;
        foreach (var person in people)
        {
            var (invitation, token) = Invitation.Create(person.OrganisationId, person.Id, [Roles.Employee], actor.Id, now);
            db.Invitations.Add(invitation);
            audit.Record(AuditActions.InvitationCreated, "invitation", invitation.Id, detail: "roles=" + invitation.Roles + " bulk");
            var one = new IssuedInvitation(invitation, person.Name, person.WorkEmail, LinkFor(token, requestAddress, outbox.Enabled), outbox.Enabled);
            if (one.Emailed)
            {
                QueueEmail(one, organisationName ??= await Organisation.NameAsync(db, person.OrganisationId, ct));
            }
            issued.Add(one);
        }
        await db.SaveChangesAsync(ct);
        return (issued, InvitationRefusal.None);
    }

    /// <summary>
    /// People in the directory who have not left, have no account, no pending invitation, and a work email no account (in any
    /// organisation) uses.
    /// </summary>
    public IQueryable<Person> Uninvited()
    {
        var now = clock.GetUtcNow();
        var today = time.Today;
        return db.People.Where(Person.StillHereOn(today)).Where(p =>
            !db.Users.Any(a => a.PersonId == p.Id || a.NormalizedUserName == p.NormalizedEmail || a.NormalizedEmail == p.NormalizedEmail)
            && !db.Invitations.Any(i => i.PersonId == p.Id && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now));
    }

    public async Task<bool> RevokeAsync(Guid invitationId, CancellationToken ct)
    {
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == invitationId, ct);
        if (invitation is null)
        {
            return false;
        }
        if (invitation.AcceptedAt is null && invitation.RevokedAt is null)
        {
            invitation.Revoke(clock.GetUtcNow());
            audit.Record(AuditActions.InvitationRevoked, "invitation", invitation.Id);
            // A withdrawn link must not arrive later.
            await outbox.CancelWaitingAsync(invitation.Id, ct);
            await db.SaveChangesAsync(ct);
        }
        return true;
    }

    /// <summary>The invitation email: who it is from, what Upstander is, the link and until when it works; plain text.</summary>
    public MailMessage EmailFor(IssuedInvitation issued, string organisationName) => new(
        issued.WorkEmail,
        issued.PersonName,
        t["{0}: your invitation to Upstander", organisationName],
        string.Join("\n\n",
            t["Hello {0},", issued.PersonName],
            t["{0} runs its peer-support programme on Upstander: a private place to get support from trained colleagues and to speak up about bullying.", organisationName],
            t["Set up your account with this link. It works once, until {0}:", time.When(issued.Invitation.ExpiresAt)] + "\n" + issued.Link,
            t["If you did not expect this email, you can ignore it: nothing happens until the link is used. Nobody at {0} sees your password.", organisationName]) + "\n");

    private void QueueEmail(IssuedInvitation issued, string organisationName) =>
        outbox.Queue(issued.Invitation.OrganisationId, MailPurpose, issued.Invitation.Id, EmailFor(issued, organisationName));


    /// <summary>
    /// The configured public address wins, so links are right behind a reverse proxy. Without one, a link that is
    /// <paramref name="emailed"/> never comes from <paramref name="requestAddress"/> (<see cref="PublicUrl.Link"/>); the
    /// administrator is shown the same link the person is sent.
    /// </summary>
    private string LinkFor(string token, string requestAddress, bool emailed) =>
        PublicUrl.Link(configuration, emailed ? null : requestAddress, AcceptPath, token);
}
