using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.Accounts;
using Upstander.Features.People;
using Upstander.Platform.Data;
using Upstander.Platform.Mail;
using Upstander.Platform.Web;

namespace Upstander.Features.Organisations;

/// <summary>Someone an email about waiting work goes to: still here today, with an account that is not stopped.</summary>
public sealed record WorkRecipient(Guid PersonId, string Name, string Email);

/// <summary>
/// Emails that tell people in the current organisation that something waits for them in Upstander, and where: a greeting,
/// what kind of thing waits (and by when), the link, and nothing else. Never who asked, about whom or what, or a word
/// anyone wrote: a work mailbox may be read by others, and the fact of asking for help or reporting is itself private
/// (docs/mail.md). Nothing is queued while mail is off; the pages show the same work either way. Scoped.
/// </summary>
public sealed class WorkMail(
    AppDbContext db, MailOutbox outbox, OrganisationTime time, TimeProvider clock, IStringLocalizer<SharedResource> t,
    IConfiguration configuration)
{
    public bool Enabled => outbox.Enabled;

    /// <summary>Of <paramref name="personIds"/>, those still here today whose account is active, in id order.</summary>
    public async Task<IReadOnlyList<WorkRecipient>> RecipientsAsync(IReadOnlyCollection<Guid> personIds, CancellationToken ct)
    {
        var organisationId = db.CurrentOrganisationId;
        var today = OrganisationZones.DateIn(time.Zone, clock.GetUtcNow());
        var people = await db.People.Where(Person.StillHereOn(today)).Where(p => personIds.Contains(p.Id))
            .Where(p => db.Users.Any(a => a.PersonId == p.Id && a.OrganisationId == organisationId && a.DeactivatedAt == null))
            .OrderBy(p => p.Id)
            .Select(p => new { p.Id, p.Name, p.WorkEmail }).ToListAsync(ct);
        return [.. people.Select(p => new WorkRecipient(p.Id, p.Name, p.WorkEmail))];
    }

    /// <summary>Everyone in the current organisation who holds <paramref name="role"/> on an active account and is still here.</summary>
    public async Task<IReadOnlyList<WorkRecipient>> InRoleAsync(string role, CancellationToken ct) =>
        await RecipientsAsync(await AccountLifecycle.ActivePeopleInRoleAsync(db, role, ct), ct);

    private (Guid Id, string Name)? _organisation;

    /// <summary>
    /// The organisation's name, for subjects ("Riverside Council: …"). Read once per scope: an import that emails
    /// thousands of people in one unit of work asks for it each time.
    /// </summary>
    public async Task<string> OrganisationAsync(CancellationToken ct)
    {
        var id = db.CurrentOrganisationId!.Value;
        if (_organisation is not { } known || known.Id != id)
        {
            _organisation = known = (id, await Organisation.NameAsync(db, id, ct));
        }
        return known.Name;
    }

    /// <summary>
    /// A full link to a page: the configured public address, else the address Upstander listens on. Never the address of
    /// a request that caused the email: its <c>Host</c> is whatever the client sent (<see cref="PublicUrl.Link"/>).
    /// </summary>
    public string Link(string path) => PublicUrl.Of(configuration) + path;

    /// <summary>"Monday 3 March 2031, 14:00 London time": a moment as the organisation reads it.</summary>
    public string When(DateTimeOffset at) => time.When(at);

    /// <summary>Queues one plain-text email: "Hello {name}," then the paragraphs. Saved with the caller's next save.</summary>
    public void Queue(string purpose, Guid about, WorkRecipient to, string subject, params string[] paragraphs) =>
        outbox.Queue(db.CurrentOrganisationId!.Value, purpose, about, new MailMessage(to.Email, to.Name, subject,
            string.Join("\n\n", [t["Hello {0},", to.Name].Value, .. paragraphs]) + "\n"));
}
