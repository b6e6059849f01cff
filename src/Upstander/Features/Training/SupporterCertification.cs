using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Upstander.Features.Accounts;
using Upstander.Features.Organisations;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;

namespace Upstander.Features.Training;

public static class CertificationAudit
{
    public const string SignOffRequested = "training.sign-off-requested";
    public const string SignedOff = "training.signed-off";
    public const string Declined = "training.sign-off-declined";
    public const string Renewed = "training.certificate-renewed";
    public const string Reminded = "training.renewal-reminded";
    public const string TargetRequest = "sign-off-request";
    public const string TargetCertificate = "certificate";
}

public enum HistoryKind
{
    Certified,
    Renewed,
    Declined,
}

public sealed record CertificationHistoryEntry(HistoryKind Kind, DateTimeOffset At, string? By, DateTimeOffset? ExpiresAt);

/// <summary>Everything the certification page shows about one person, as of now.</summary>
public sealed record CertificationState(
    CertificationStatus Status,
    IReadOnlyList<CoreModuleState> CoreModules,
    Certificate? Certificate,
    SignOffRequest? OpenRequest,
    SignOffRequest? Declined,
    bool MayRequest,
    bool RefresherOpen,
    IReadOnlyList<Course> RefresherCourses,
    IReadOnlyList<CertificationHistoryEntry> History);

public enum DecisionOutcome
{
    Done,
    NotFound,
    OwnRequest,
    AlreadyDecided,
    NoAccount,
}

/// <summary>
/// Peer-supporter certification: asking for sign-off, a coordinator's sign-off or decline, renewal by
/// refresher, the renewal reminder, and — for the peer-support feature — who is a current supporter.
/// The rules themselves are in <see cref="CertificationRules"/>. Scoped; acts within the current organisation.
/// </summary>
public sealed class SupporterCertification(
    AppDbContext db, TrainingLibrary library, IOptions<CertificationOptions> settings, TimeProvider clock, AuditLog audit,
    FieldProtector protector, OrganisationSetup setup, UserManager<Account> accounts, CurrentActor actor, OrganisationTime time)
{
    public CertificationOptions Options => settings.Value;

    // ---- The contract the peer-support feature relies on ----

    /// <summary>
    /// The people who may be offered new support requests: they hold the PeerSupporter role, their latest
    /// certificate has not expired, and they have not left. A lapsed supporter keeps the role but is not here.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> CurrentSupporterIdsAsync(CancellationToken ct) =>
        await CurrentSupporters.Distinct().ToListAsync(ct);

    /// <summary>Whether one person is a current supporter (see <see cref="CurrentSupporterIdsAsync"/>).</summary>
    public Task<bool> IsCurrentAsync(Guid personId, CancellationToken ct) => CurrentSupporters.AnyAsync(id => id == personId, ct);

    /// <summary>
    /// The current supporters (see <see cref="CurrentSupporterIdsAsync"/>) as a query for a caller to compose into its own,
    /// so that a filter by them runs in the database in one query (the pending offers of anyone who is not current).
    /// </summary>
    public IQueryable<Guid> CurrentSupporters
    {
        get
        {
            var now = clock.GetUtcNow();
            var today = OrganisationZones.DateIn(time.Zone, now);
            var supporters = AccountLifecycle.ActivePeopleInRole(db, Roles.PeerSupporter);
            return db.Set<Certificate>()
                .Where(c => c.ExpiresAt > now)
                .Where(c => db.People.Where(Person.StillHereOn(today)).Any(p => p.Id == c.PersonId))
                .Where(c => supporters.Contains(c.PersonId))
                .Select(c => c.PersonId);
        }
    }

    // ---- One person's certification ----

    public Task<Certificate?> LatestCertificateAsync(Guid personId, CancellationToken ct) =>
        db.Set<Certificate>().Where(c => c.PersonId == personId).OrderByDescending(c => c.CertifiedAt).FirstOrDefaultAsync(ct);

    /// <summary>The core courses on offer now (course.json "core": true).</summary>
    public async Task<IReadOnlyList<PublishedCourse>> CoreCoursesAsync(CancellationToken ct) =>
        (await library.CatalogueAsync(db, ct)).Where(c => c.Course.Core).ToList();

    /// <summary>Each module of every core course, passed or not, on the version of the course the person took.</summary>
    public async Task<IReadOnlyList<CoreModuleState>> CoreModulesAsync(Guid personId, CancellationToken ct) =>
        await CoreModulesAsync(personId, await CoreCoursesAsync(ct), ct);

    private async Task<IReadOnlyList<CoreModuleState>> CoreModulesAsync(Guid personId, IReadOnlyList<PublishedCourse> core, CancellationToken ct)
    {
        var slugs = core.Select(c => c.Course.Slug).ToList();
        var progress = await db.Set<CourseProgress>().AsNoTracking()
            .Where(p => p.PersonId == personId && p.Run == CourseProgress.CourseRun && slugs.Contains(p.CourseSlug))
            .ToListAsync(ct);
        var passing = await PassingModulesAsync(progress.Select(p => p.Id).ToList(), ct);
        var modules = new List<CoreModuleState>();
        foreach (var published in core)
        {
            var mine = progress.FirstOrDefault(p => p.CourseSlug == published.Course.Slug);
            var course = mine is null ? published.Course : (await library.VersionAsync(db, mine.CourseVersionId, ct))?.Course ?? published.Course;
            var passed = (mine is null ? null : passing.GetValueOrDefault(mine.Id)) ?? new HashSet<string>();
            modules.AddRange(course.Modules.Select(m => new CoreModuleState(course, m, CertificationRules.ModulePassed(m, mine, passed))));
        }
        return modules;
    }

    /// <summary>For each progress record, the modules whose check has a passing attempt: one query however many records.</summary>
    public async Task<Dictionary<Guid, IReadOnlySet<string>>> PassingModulesAsync(IReadOnlyCollection<Guid> progressIds, CancellationToken ct)
    {
        if (progressIds.Count == 0)
        {
            return [];
        }
        var rows = await db.Set<CheckAttempt>().AsNoTracking()
            .Where(a => progressIds.Contains(a.CourseProgressId) && a.Passed)
            .Select(a => new { a.CourseProgressId, a.ModuleKey })
            .Distinct()
            .ToListAsync(ct);
        return rows.GroupBy(r => r.CourseProgressId)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(r => r.ModuleKey).ToHashSet(StringComparer.Ordinal));
    }

    public async Task<CertificationState> StateAsync(Guid personId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var coreCourses = await CoreCoursesAsync(ct);
        var core = await CoreModulesAsync(personId, coreCourses, ct);
        var certificates = await db.Set<Certificate>().AsNoTracking().Where(c => c.PersonId == personId).OrderBy(c => c.CertifiedAt).ToListAsync(ct);
        var latest = certificates.LastOrDefault();
        var requests = await db.Set<SignOffRequest>().AsNoTracking().Where(r => r.PersonId == personId).OrderBy(r => r.RequestedAt).ToListAsync(ct);
        var open = requests.LastOrDefault(r => r.IsOpen);
        var certificateIds = certificates.Select(c => c.Id).ToList();
        var renewals = await db.Set<CertificateRenewal>().AsNoTracking().Where(r => certificateIds.Contains(r.CertificateId)).ToListAsync(ct);
        var deciders = requests.Select(r => r.DecidedByPersonId).OfType<Guid>().Distinct().ToList();
        var names = await db.People.Where(p => deciders.Contains(p.Id)).Select(p => new { p.Id, p.Name }).ToDictionaryAsync(p => p.Id, p => p.Name, ct);

        var history = new List<CertificationHistoryEntry>();
        foreach (var request in requests.Where(r => !r.IsOpen))
        {
            var by = request.DecidedByPersonId is { } id ? names.GetValueOrDefault(id) : null;
            var kind = request.Decision == SignOffDecision.SignedOff ? HistoryKind.Certified : HistoryKind.Declined;
            var certificate = certificates.FirstOrDefault(c => c.SignOffRequestId == request.Id);
            var firstExpiry = certificate is null ? (DateTimeOffset?)null
                : renewals.Where(r => r.CertificateId == certificate.Id).OrderBy(r => r.RenewedAt).Select(r => (DateTimeOffset?)r.PreviousExpiresAt).FirstOrDefault() ?? certificate.ExpiresAt;
            history.Add(new(kind, request.DecidedAt!.Value, by, firstExpiry));
        }
        history.AddRange(renewals.Select(r => new CertificationHistoryEntry(HistoryKind.Renewed, r.RenewedAt, null, r.ExpiresAt)));
        var lastDecided = requests.LastOrDefault(r => !r.IsOpen);
        return new CertificationState(
            CertificationRules.Status(latest, open, now, Options),
            core,
            latest,
            open,
            open is null && lastDecided?.Decision == SignOffDecision.Declined && (latest is null || lastDecided.DecidedAt > latest.CertifiedAt) ? lastDecided : null,
            CertificationRules.MayRequest(core, latest, open, now),
            CertificationRules.RefresherOpen(latest, now, Options),
            coreCourses.Select(c => CertificationRules.RefresherOf(c.Course)).Where(c => c.Modules.Count > 0).ToList(),
            history.OrderByDescending(h => h.At).ToList());
    }

    /// <summary>Asks for sign-off; false (nothing changed) unless every core module is passed and nothing is pending.</summary>
    public async Task<bool> RequestAsync(Guid personId, CancellationToken ct)
    {
        var state = await StateAsync(personId, ct);
        if (!state.MayRequest || db.CurrentOrganisationId is not { } organisationId)
        {
            return false;
        }
        var request = SignOffRequest.Open(organisationId, personId, clock.GetUtcNow());
        db.Set<SignOffRequest>().Add(request);
        audit.Record(CertificationAudit.SignOffRequested, CertificationAudit.TargetRequest, request.Id);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Signs off supervised practice: the request is decided, a certificate issued for
    /// <see cref="CertificationOptions.CertificateMonths"/>, and the PeerSupporter role granted through
    /// the same path as any role change (and audited as one). A coordinator never signs off their own request.
    /// </summary>
    public async Task<DecisionOutcome> SignOffAsync(Guid requestId, DateOnly practiceCompletedOn, string? note, CancellationToken ct)
    {
        var (outcome, request) = await DecidableAsync(requestId, ct);
        if (outcome != DecisionOutcome.Done)
        {
            return outcome;
        }
        var account = await db.Users.SingleOrDefaultAsync(a => a.PersonId == request!.PersonId && a.OrganisationId == request.OrganisationId, ct);
        if (account is null)
        {
            return DecisionOutcome.NoAccount;
        }
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var sealedNote = string.IsNullOrWhiteSpace(note) ? null : protector.Seal(note.Trim(), SignOffRequest.NotePurpose, request!.Id);
        request!.SignOff(actor.PersonId!.Value, practiceCompletedOn, sealedNote, now);
        var certificate = Certificate.Issue(request, now, Options.CertificateMonths);
        db.Set<Certificate>().Add(certificate);
        audit.Record(CertificationAudit.SignedOff, CertificationAudit.TargetRequest, request.Id, detail: sealedNote is null ? "note=none" : "note=written");
        await db.SaveChangesAsync(ct);
        var roles = await accounts.GetRolesAsync(account);
        await setup.SetRolesAsync(account, roles.Append(Roles.PeerSupporter), ct);
        await transaction.CommitAsync(ct);
        return DecisionOutcome.Done;
    }

    /// <summary>Declines with a reason (sealed); the candidate sees it was declined, and why, and may ask again.</summary>
    public async Task<DecisionOutcome> DeclineAsync(Guid requestId, string reason, CancellationToken ct)
    {
        var (outcome, request) = await DecidableAsync(requestId, ct);
        if (outcome != DecisionOutcome.Done)
        {
            return outcome;
        }
        request!.Decline(actor.PersonId!.Value, protector.Seal(reason.Trim(), SignOffRequest.NotePurpose, request.Id), clock.GetUtcNow());
        audit.Record(CertificationAudit.Declined, CertificationAudit.TargetRequest, request.Id);
        await db.SaveChangesAsync(ct);
        return DecisionOutcome.Done;
    }

    private async Task<(DecisionOutcome, SignOffRequest?)> DecidableAsync(Guid requestId, CancellationToken ct)
    {
        var request = await db.Set<SignOffRequest>().SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null || actor.PersonId is null)
        {
            return (DecisionOutcome.NotFound, null);
        }
        if (request.PersonId == actor.PersonId)
        {
            await DeclineOwnAttemptAsync(request, ct);
            return (DecisionOutcome.OwnRequest, request);
        }
        return (request.IsOpen ? DecisionOutcome.Done : DecisionOutcome.AlreadyDecided, request);
    }

    /// <summary>A coordinator tried to decide their own request (a conflict of interest): refused, and the refusal is on the record.</summary>
    public async Task DeclineOwnAttemptAsync(SignOffRequest request, CancellationToken ct)
    {
        audit.Record(CertificationAudit.SignedOff, CertificationAudit.TargetRequest, request.Id, outcome: "denied", detail: "own-request");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Opens the coordinator's note or reason on a decided request, recording the read first (the reader is never its author here).</summary>
    public async Task<string?> ReadNoteAsync(SignOffRequest request, CancellationToken ct)
    {
        if (request.NoteSealed is null)
        {
            return null;
        }
        if (request.DecidedByPersonId != actor.PersonId)
        {
            await audit.RecordReadAsync(CertificationAudit.TargetRequest, request.Id, ct);
        }
        return protector.Open(request.NoteSealed, SignOffRequest.NotePurpose, request.Id);
    }

    // ---- Renewal ----

    /// <summary>
    /// The refresher run of a core course for this person, or null when it is not open to them (no certificate
    /// yet, or before the window). A run started in this term's window is continued; otherwise a new one is offered.
    /// </summary>
    public async Task<LearnerCourse?> RefresherAsync(Guid personId, string slug, CancellationToken ct)
    {
        if (await library.CurrentAsync(db, slug, ct) is not { Course.Core: true } current
            || CertificationRules.RefresherOf(current.Course).Modules.Count == 0
            || await LatestCertificateAsync(personId, ct) is not { } certificate
            || !CertificationRules.RefresherOpen(certificate, clock.GetUtcNow(), Options))
        {
            return null;
        }
        var opens = CertificationRules.RefresherOpensAt(certificate, Options);
        var runs = db.Set<CourseProgress>().Where(p => p.PersonId == personId && p.CourseSlug == slug && p.Run > CourseProgress.CourseRun);
        var run = await runs.Where(p => p.StartedAt >= opens).OrderByDescending(p => p.Run).FirstOrDefaultAsync(ct);
        if (run is not null && await library.VersionAsync(db, run.CourseVersionId, ct) is { } started)
        {
            return new LearnerCourse(CertificationRules.RefresherOf(started.Course), run.CourseVersionId, run, run.Run);
        }
        var next = (await runs.MaxAsync(p => (int?)p.Run, ct) ?? CourseProgress.CourseRun) + 1;
        return new LearnerCourse(CertificationRules.RefresherOf(current.Course), current.VersionId, null, next);
    }

    /// <summary>Renews the certificate when this finished refresher run qualifies (<see cref="CertificationRules.RenewsWith"/>); saves.</summary>
    public async Task<bool> RenewAsync(LearnerCourse run, CancellationToken ct)
    {
        if (run.Progress is not { IsRefresher: true } progress
            || await LatestCertificateAsync(progress.PersonId, ct) is not { } certificate
            || !CertificationRules.RenewsWith(certificate, progress, clock.GetUtcNow(), Options)
            || await db.Set<CertificateRenewal>().AnyAsync(r => r.CourseProgressId == progress.Id, ct))
        {
            return false;
        }
        var passing = (await PassingModulesAsync([progress.Id], ct)).GetValueOrDefault(progress.Id) ?? new HashSet<string>();
        if (!run.Course.Modules.All(m => CertificationRules.ModulePassed(m, progress, passing)))
        {
            return false;
        }
        db.Set<CertificateRenewal>().Add(certificate.Renew(progress, clock.GetUtcNow(), Options.CertificateMonths));
        audit.Record(CertificationAudit.Renewed, CertificationAudit.TargetCertificate, certificate.Id);
        await db.SaveChangesAsync(ct);
        return true;
    }

    // ---- The reminder ----

    /// <summary>
    /// What a peer supporter should be told about their certificate now, if anything; inside the reminder
    /// window the reminder is recorded (once per term) so the cohort view can show when it was issued.
    /// </summary>
    public async Task<CertificationNotice?> NoticeAsync(Guid personId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var certificate = await LatestCertificateAsync(personId, ct);
        if (CertificationRules.IsCurrent(certificate, now) && !CertificationRules.InReminderWindow(certificate!, now, Options))
        {
            // The usual case for a supporter: nothing to say, and no need to read the catalogue.
            return null;
        }
        var refresher = (await CoreCoursesAsync(ct)).Select(c => CertificationRules.RefresherOf(c.Course)).FirstOrDefault(c => c.Modules.Count > 0);
        var refresherPath = refresher is null ? null : $"/training/{refresher.Slug}/refresher";
        if (CertificationRules.IsCurrent(certificate, now))
        {
            if (certificate!.Remind(now))
            {
                audit.Record(CertificationAudit.Reminded, CertificationAudit.TargetCertificate, certificate.Id);
                await db.SaveChangesAsync(ct);
            }
            return new CertificationNotice(CertificationStatus.RenewalDue, certificate.ExpiresAt, refresherPath);
        }
        var open = await db.Set<SignOffRequest>().AnyAsync(r => r.PersonId == personId && r.Decision == null, ct);
        return new CertificationNotice(open ? CertificationStatus.Requested : certificate is null ? CertificationStatus.Pending : CertificationStatus.Lapsed,
            certificate?.ExpiresAt, refresherPath);
    }
}

public sealed record CertificationNotice(CertificationStatus Status, DateTimeOffset? ExpiresAt, string? RefresherPath);
