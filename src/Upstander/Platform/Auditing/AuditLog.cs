using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;

namespace Upstander.Platform.Auditing;

/// <summary>Standard audit action names, so queries and reports agree on spelling.</summary>
public static class AuditActions
{
    public const string SignIn = "account.sign-in";
    public const string SignInFailed = "account.sign-in-failed";
    public const string SignInConfirmed = "account.sign-in-confirmed";
    public const string LockedOut = "account.locked-out";
    public const string SignOut = "account.sign-out";
    public const string TwoFactorEnabled = "account.two-factor-enabled";
    public const string TwoFactorDisabled = "account.two-factor-disabled";
    public const string PasskeyAdded = "account.passkey-added";
    public const string PasskeyRemoved = "account.passkey-removed";
    public const string PasskeyRenamed = "account.passkey-renamed";
    public const string PasswordSet = "account.password-set";
    public const string PasswordLinkRequested = "account.password-link-requested";
    public const string PasswordLinkGiven = "account.password-link-given";
    public const string PasswordReset = "account.password-reset";
    public const string TwoFactorTurnedOffByAdministrator = "account.two-factor-turned-off-by-administrator";
    public const string OtherSessionsEnded = "account.other-sessions-ended";
    public const string AccountDeactivated = "account.deactivated";
    public const string AccountReactivated = "account.reactivated";
    public const string InvitationCreated = "invitation.created";
    public const string InvitationAccepted = "invitation.accepted";
    public const string InvitationRevoked = "invitation.revoked";
    public const string MailSent = "mail.sent";
    public const string MailFailed = "mail.failed";
    public const string RolesChanged = "person.roles-changed";
    public const string PersonCreated = "person.created";
    public const string PersonUpdated = "person.updated";
    public const string ProtectedRead = "protected.read";
    public const string ProtectedWrite = "protected.write";
    public const string ImportValidated = "people.import-validated";
    public const string ImportApplied = "people.import-applied";
    public const string OrganisationCreated = "organisation.created";
    public const string OrganisationSettingsChanged = "organisation.settings-changed";
    public const string TokenIssued = "token.issued";
    public const string TokenRevoked = "token.revoked";
    public const string KeysRotated = "keys.rotated";
    public const string AuditViewed = "audit.viewed";
    public const string AuditChecked = "audit.checked";
    public const string TrainingDraftStarted = "training.draft-started";
    public const string TrainingCoursePublished = "training.course-published";
    public const string TrainingDraftDiscarded = "training.draft-discarded";
    public const string SupportResourceAdded = "support-resource.added";
    public const string SupportResourceUpdated = "support-resource.updated";
    public const string SupportResourceArchived = "support-resource.archived";
    public const string SupportResourceRestored = "support-resource.restored";
}

/// <summary>
/// Records audit events in the caller's unit of work: the event is written, and chained, by the same
/// <see cref="AppDbContext.SaveChangesAsync(CancellationToken)"/> that writes the change it describes.
/// </summary>
public sealed class AuditLog(AppDbContext db, CurrentActor actor, OrganisationScope scope, TimeProvider clock)
{
    public const int DetailMaxLength = 200;

    public void Record(string action, string? targetType = null, string? targetId = null, string outcome = "success", string? detail = null) =>
        Add(new AuditEvent(clock.GetUtcNow(), scope.OrganisationId, actor.Kind, actor.Id, action, targetType, targetId, outcome,
            detail is { Length: > DetailMaxLength } ? detail[..DetailMaxLength] : detail));

    public void Record(string action, string? targetType, Guid targetId, string outcome = "success", string? detail = null) =>
        Record(action, targetType, targetId.ToString("N"), outcome, detail);

    /// <summary>
    /// The actor kind of an event a person caused about their own speaking up while who they are is kept out of the log
    /// (no actor id): a held-back report's author, and anyone writing their private journal or a report draft.
    /// </summary>
    public const string HiddenReporter = "reporter";

    /// <summary>
    /// Records what the author of a report did when who they are is held back (an anonymous or escrow report, or a
    /// named one whose identity is held): the actor is <see cref="HiddenReporter"/>, with no id. Administrators read
    /// the audit log, and an account beside a report's id would give away the identity only a custodian may reveal.
    /// </summary>
    public void RecordAsHiddenReporter(string action, string targetType, Guid targetId, string? detail = null) =>
        RecordWithoutActor(HiddenReporter, action, targetType, targetId, detail);

    /// <summary>
    /// The actor kind of an event a person caused about their own request for peer support (no actor id): asking,
    /// withdrawing, blocking a supporter, and what they do and read in their own conversation. Coordinators see a
    /// requester's name only when the requester allows it; the audit log must not show administrators who asked.
    /// </summary>
    public const string HiddenRequester = "requester";

    public void RecordAsHiddenRequester(string action, string targetType, Guid targetId, string? detail = null) =>
        RecordWithoutActor(HiddenRequester, action, targetType, targetId, detail);

    /// <summary>
    /// The actor kind of a peer supporter asking for help for themselves (a debrief), with no id. Coordinators see the
    /// request by name because they arrange the debrief; nobody else needs to learn from the log which supporter is
    /// struggling, and administrators read the log.
    /// </summary>
    public const string HiddenSupporter = "supporter";

    public void RecordAsHiddenSupporter(string action, string targetType, Guid targetId, string? detail = null) =>
        RecordWithoutActor(HiddenSupporter, action, targetType, targetId, detail);

    /// <summary>
    /// Records what Upstander decided by itself (matching, an offer expiring, a request going back to the queue), as
    /// "system", whoever's request happened to set it running: a requester's request runs matching at once, and the
    /// log must not attribute its results to them. Case intake routing a report, and an escrow group's release, are
    /// recorded this way too: both run inside the reporter's own request. A decision about no single row (an escrow
    /// group) has no target id.
    /// </summary>
    public void RecordAsSystem(string action, string targetType, Guid? targetId, string? detail = null) =>
        RecordWithoutActor(CurrentActor.SystemKind, action, targetType, targetId, detail);

    private void RecordWithoutActor(string kind, string action, string targetType, Guid? targetId, string? detail) =>
        Add(new AuditEvent(clock.GetUtcNow(), scope.OrganisationId, kind, null, action, targetType, targetId?.ToString("N"), "success",
            detail is { Length: > DetailMaxLength } ? detail[..DetailMaxLength] : detail));

    /// <summary>Records an event for a named actor when nobody is signed in yet (sign-in attempts, invitation acceptance).</summary>
    public void RecordFor(Guid? organisationId, Guid? accountId, string action, string? targetType, string? targetId, string outcome) =>
        Add(new AuditEvent(clock.GetUtcNow(), organisationId, accountId is null ? "anonymous" : "account", accountId, action, targetType, targetId, outcome));

    /// <summary>
    /// Until the save chains it, an event has a temporary, unique negative sequence: several events in one
    /// unit of work (a bulk invitation, an account created with its roles) must not collide on the key.
    /// </summary>
    private void Add(AuditEvent auditEvent)
    {
        auditEvent.Sequence = Interlocked.Decrement(ref _temporarySequence);
        db.AuditEvents.Add(auditEvent);
    }

    private static long _temporarySequence;

    public Task SaveAsync(CancellationToken ct) => db.SaveChangesAsync(ct);

    /// <summary>Records that protected content was read, and saves at once: the read is what is audited, whatever happens next.</summary>
    public async Task RecordReadAsync(string targetType, Guid targetId, CancellationToken ct)
    {
        Record(AuditActions.ProtectedRead, targetType, targetId);
        await db.SaveChangesAsync(ct);
    }
}
