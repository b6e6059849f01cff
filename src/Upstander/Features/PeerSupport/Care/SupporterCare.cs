using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Features.PeerSupport.Matching;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.Training;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Care;

public static class CareAudit
{
    public const string SettingsChanged = "peer-support.availability-changed";
    public const string DebriefRequested = "peer-support.debrief-requested";
    public const string DebriefMarked = "peer-support.debrief-marked";
    public const string TargetSettings = "supporter-settings";
    public const string TargetDebrief = "debrief-request";
}

/// <summary>The values a supporter submits on the availability page, before validation.</summary>
public sealed record SettingsInput(bool Available, DateOnly? PausedUntil, int? Cap, string? Languages, IReadOnlyCollection<string> Tags);

/// <summary>Validated settings, ready to apply.</summary>
public sealed record ValidSettings(bool Available, DateOnly? PausedUntil, int Cap, IReadOnlyList<string> Languages, IReadOnlyList<string> Tags);

/// <summary>
/// How many open cases each supporter has (requests offered to them or in an open conversation with them).
/// Support requests register the implementation, so supporter care does not depend on them.
/// </summary>
public interface IOpenCaseCounter
{
    Task<IReadOnlyDictionary<Guid, int>> OpenCasesAsync(IReadOnlyCollection<Guid> supporterIds, CancellationToken ct);
}

/// <summary>The supporters the matching engine is given: one profile per current supporter, and the set of current ids.</summary>
public sealed record SupporterInputs(IReadOnlyList<SupporterProfile> Supporters, IReadOnlySet<Guid> CurrentSupporterIds);

/// <summary>
/// Care for peer supporters in the current organisation: availability, pause and cap (and the matching
/// engine's supporter inputs built from them), the one-tap check-in after a session, and asking a
/// coordinator for a debrief. Scoped.
/// </summary>
public sealed partial class SupporterCare(
    AppDbContext db, TimeProvider clock, AuditLog audit, FieldProtector protector, CurrentActor actor,
    SupporterCertification certification, IOpenCaseCounter openCases, OrganisationTime time, WorkMail mail,
    ExclusiveLocks locks, IStringLocalizer<SharedResource> t)
{
    /// <summary>The email to coordinators that a supporter asked for a debrief, and the page it links to.</summary>
    public const string DebriefMailPurpose = "peer-support.debrief-requested";
    public const string WellbeingPath = "/coordinate/wellbeing";

    /// <summary>Today in the organisation's zone: a pause until today lasts to the end of today there.</summary>
    public DateOnly Today => time.Today;

    // ---- Availability ----

    public Task<SupporterSettings?> SettingsAsync(Guid personId, CancellationToken ct) =>
        db.Set<SupporterSettings>().SingleOrDefaultAsync(s => s.PersonId == personId, ct);

    /// <summary>
    /// Whether the supporter already holds as many open cases (offered or active) as their cap allows: matching offers
    /// them nothing more then, and a requester cannot reopen a conversation with them. The caller holds the matching section.
    /// </summary>
    /// <summary>Whether the supporter has paused (until today or later): matching offers them nothing, and nothing is reopened with them.</summary>
    public async Task<bool> IsPausedAsync(Guid personId, CancellationToken ct) => (await SettingsAsync(personId, ct))?.IsPaused(Today) == true;

    public async Task<bool> AtCapAsync(Guid personId, CancellationToken ct) =>
        (await openCases.OpenCasesAsync([personId], ct)).GetValueOrDefault(personId) >= CapOf(await SettingsAsync(personId, ct));

    private static int CapOf(SupporterSettings? settings) => settings?.Cap ?? SupporterSettings.DefaultCap;

    /// <summary>Checks the submitted settings; the errors are English localization keys with their arguments.</summary>
    public ValidSettings? ValidateSettings(SettingsInput input, List<(string Field, string Message, object[] Args)> errors)
    {
        if (input.Cap is not { } cap || cap is < SupporterSettings.MinCap or > SupporterSettings.MaxCap)
        {
            errors.Add(("Cap", "The caseload cap must be a whole number from {0} to {1}.", [SupporterSettings.MinCap, SupporterSettings.MaxCap]));
        }
        if (input.PausedUntil is { } until && until < Today)
        {
            errors.Add(("PausedUntil", "The pause must end today or later.", []));
        }
        var languages = (input.Languages ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.ToLowerInvariant()).Distinct().ToList();
        if (languages.FirstOrDefault(l => !LanguageCode().IsMatch(l)) is { } bad)
        {
            errors.Add(("Languages", "\"{0}\" is not a two-letter language code (for example en, pl, cy).", [bad.Length > 20 ? bad[..20] : bad]));
        }
        else if (languages.Count > SupporterSettings.MaxLanguages)
        {
            errors.Add(("Languages", "List at most {0} languages.", [SupporterSettings.MaxLanguages]));
        }
        if (input.Tags.FirstOrDefault(t => !ExperienceTags.IsKnown(t)) is not null)
        {
            errors.Add(("Tags", "Choose experience only from the list.", []));
        }
        return errors.Count > 0 ? null
            : new ValidSettings(input.Available, input.PausedUntil, input.Cap!.Value, languages, [.. input.Tags.Distinct().Where(ExperienceTags.IsKnown)]);
    }

    /// <summary>
    /// Saves the supporter's settings, audited. A pause or a lower cap must hold from the moment it is saved, so this holds
    /// the matching section (<see cref="SupportOffers.EnterMatchingAsync(ExclusiveLocks, AppDbContext, CancellationToken)"/>): a matching run that has already read the supporter's settings
    /// makes its offers first, and the next run reads the new ones; no offer is made after a pause on settings read before it.
    /// </summary>
    public async Task SaveSettingsAsync(Guid personId, ValidSettings valid, CancellationToken ct)
    {
        await using var _ = await SupportOffers.EnterMatchingAsync(locks, db, ct);
        var settings = await SettingsAsync(personId, ct);
        if (settings is null)
        {
            settings = SupporterSettings.For(db.CurrentOrganisationId!.Value, personId);
            db.Add(settings);
        }
        settings.Apply(valid.Available, valid.PausedUntil, valid.Cap, valid.Languages, valid.Tags, clock.GetUtcNow());
        audit.Record(CareAudit.SettingsChanged, CareAudit.TargetSettings, settings.Id,
            detail: $"available={valid.Available};paused={(valid.PausedUntil is null ? "no" : "yes")};cap={valid.Cap}");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Ends the supporter's pause, audited; inside the matching section, as <see cref="SaveSettingsAsync"/>.</summary>
    public async Task ResumeAsync(Guid personId, CancellationToken ct)
    {
        await using var _ = await SupportOffers.EnterMatchingAsync(locks, db, ct);
        if (await SettingsAsync(personId, ct) is { } settings)
        {
            settings.Resume(clock.GetUtcNow());
            audit.Record(CareAudit.SettingsChanged, CareAudit.TargetSettings, settings.Id, detail: "resumed");
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>
    /// The matching engine's supporter inputs: a <see cref="SupporterProfile"/> for every current supporter
    /// (certified, PeerSupporter role, not left), joined with their settings and the directory's department.
    /// A current supporter who has not set their availability is included as not available; a paused one is
    /// flagged <see cref="SupporterProfile.Paused"/>; people who are not current are left out (and absent from
    /// the current ids). Open cases come from <see cref="IOpenCaseCounter"/>.
    /// </summary>
    public async Task<SupporterInputs> MatchingInputsAsync(CancellationToken ct)
    {
        var current = (await certification.CurrentSupporterIdsAsync(ct)).ToHashSet();
        var people = await db.People.Where(p => current.Contains(p.Id)).Select(p => new { p.Id, p.Name, p.DepartmentId }).ToListAsync(ct);
        var settings = await db.Set<SupporterSettings>().Where(s => current.Contains(s.PersonId)).ToDictionaryAsync(s => s.PersonId, ct);
        var cases = await openCases.OpenCasesAsync(current, ct);
        var today = Today;
        var profiles = people.Select(p =>
        {
            var s = settings.GetValueOrDefault(p.Id);
            return new SupporterProfile
            {
                PersonId = p.Id,
                Name = p.Name,
                DepartmentId = p.DepartmentId,
                Languages = s?.LanguageList ?? [],
                SharedTags = s?.TagList ?? [],
                Cap = CapOf(s),
                OpenCases = cases.GetValueOrDefault(p.Id),
                Available = s?.Available ?? false,
                Paused = s?.IsPaused(today) ?? false,
            };
        }).OrderBy(p => p.PersonId).ToList();
        return new SupporterInputs(profiles, current);
    }

    // ---- Check-in ----

    /// <summary>Where to offer the one-tap check-in after a conversation (the conversation feature links here).</summary>
    public static string CheckInPath(Guid? conversationId) =>
        conversationId is { } id ? $"/supporter/check-in?conversation={id:D}" : "/supporter/check-in";

    /// <summary>
    /// Records a check-in; false (and nothing recorded) when <paramref name="conversationId"/> is not a conversation this
    /// supporter holds or held (active or closed), in this organisation.
    /// </summary>
    public async Task<bool> RecordCheckInAsync(Guid personId, string feeling, Guid? conversationId, CancellationToken ct)
    {
        if (!CheckInFeeling.IsKnown(feeling))
        {
            throw new ArgumentException($"\"{feeling}\" is not a check-in answer.", nameof(feeling));
        }
        if (conversationId is { } id && !await db.Set<SupportRequestRecord>().AnyAsync(
            r => r.Id == id && r.SupporterId == personId && (r.Status == RequestStatus.Active || r.Status == RequestStatus.Closed), ct))
        {
            return false;
        }
        db.Add(SupporterCheckIn.Record(db.CurrentOrganisationId!.Value, personId, conversationId, feeling, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return true;
    }

    // ---- Debrief ----

    public async Task<DebriefRequest> RequestDebriefAsync(Guid personId, string urgency, string? note, CancellationToken ct)
    {
        if (!DebriefUrgency.IsKnown(urgency))
        {
            throw new ArgumentException($"\"{urgency}\" is not an urgency.", nameof(urgency));
        }
        var request = DebriefRequest.Open(db.CurrentOrganisationId!.Value, personId, urgency, clock.GetUtcNow());
        request.SealNote(string.IsNullOrWhiteSpace(note) ? null : protector.Seal(note.Trim(), DebriefRequest.NotePurpose, request.Id));
        db.Add(request);
        audit.RecordAsHiddenSupporter(CareAudit.DebriefRequested, CareAudit.TargetDebrief, request.Id, $"urgency={urgency};note={(request.NoteSealed is null ? "none" : "written")}");
        await TellCoordinatorsAsync(request, ct);
        await db.SaveChangesAsync(ct);
        return request;
    }

    /// <summary>
    /// Queues an email to every coordinator (saved with the request): a supporter asked to talk, how soon, and where to
    /// look. Never who asked or their note. The coordinator who asked is told like every other: leaving them out would
    /// let the number of emails sent say that a coordinator asked, and which.
    /// </summary>
    private async Task TellCoordinatorsAsync(DebriefRequest request, CancellationToken ct)
    {
        if (!mail.Enabled)
        {
            return;
        }
        var organisation = await mail.OrganisationAsync(ct);
        var soon = request.Urgency == DebriefUrgency.Today
            ? t["A peer supporter has asked a coordinator for a debrief today."]
            : t["A peer supporter has asked a coordinator for a debrief this week."];
        foreach (var coordinator in await mail.InRoleAsync(Roles.Coordinator, ct))
        {
            mail.Queue(DebriefMailPurpose, request.Id, coordinator, t["{0}: a peer supporter would like to talk", organisation],
                soon + " " + t["The supporter well-being page shows the request; one of the coordinators can mark it arranged once someone has been in touch."],
                mail.Link(WellbeingPath),
                t["This email says nothing about who asked or why, on purpose. Do not forward it."]);
        }
    }

    public Task<List<DebriefRequest>> OwnDebriefsAsync(Guid personId, CancellationToken ct) =>
        db.Set<DebriefRequest>().Where(d => d.PersonId == personId).OrderByDescending(d => d.RequestedAt).Take(20).ToListAsync(ct);

    public Task<DebriefRequest?> DebriefAsync(Guid id, CancellationToken ct) =>
        db.Set<DebriefRequest>().SingleOrDefaultAsync(d => d.Id == id, ct);

    /// <summary>Opens the note, recording the read first when the reader is not its author.</summary>
    public async Task<string?> ReadDebriefNoteAsync(DebriefRequest request, CancellationToken ct)
    {
        if (request.NoteSealed is null)
        {
            return null;
        }
        if (request.PersonId != actor.PersonId)
        {
            await audit.RecordReadAsync(CareAudit.TargetDebrief, request.Id, ct);
        }
        return protector.Open(request.NoteSealed, DebriefRequest.NotePurpose, request.Id);
    }

    public async Task MarkDebriefAsync(DebriefRequest request, string status, CancellationToken ct)
    {
        request.Mark(status, actor.PersonId!.Value, clock.GetUtcNow());
        audit.Record(CareAudit.DebriefMarked, CareAudit.TargetDebrief, request.Id, detail: "status=" + status);
        await db.SaveChangesAsync(ct);
    }

    [GeneratedRegex("^[a-z]{2}$")]
    private static partial Regex LanguageCode();
}
