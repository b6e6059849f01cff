namespace Upstander.Features.Training;

public enum CertificationStatus
{
    /// <summary>Not certified and not yet asked for sign-off (core modules still to pass, or ready to ask).</summary>
    Pending,

    /// <summary>Asked for sign-off; a coordinator has not decided yet.</summary>
    Requested,

    /// <summary>Holds a certificate that has not expired.</summary>
    Certified,

    /// <summary>Certified, and inside the reminder window before expiry: time to take the refresher.</summary>
    RenewalDue,

    /// <summary>The certificate has expired: receives no new support requests until signed off again.</summary>
    Lapsed,
}

/// <summary>
/// The certification rules, in one place. Pure: every answer is worked out from the records and the
/// time given, never from a flag a job flips, so a fake clock drives them in tests.
/// </summary>
public static class CertificationRules
{
    /// <summary>
    /// A module is passed when every one of its steps is done and its knowledge check has a passing
    /// attempt (a module without a check needs only its steps).
    /// </summary>
    public static bool ModulePassed(CourseModule module, CourseProgress? progress, IReadOnlySet<string> modulesWithPassingAttempt) =>
        progress is not null
        && progress.IsModuleComplete(module)
        && (module.Check is null || modulesWithPassingAttempt.Contains(module.Key));

    /// <summary>The modules a refresher run is made of.</summary>
    public static Course RefresherOf(Course course) => course with { Modules = course.Modules.Where(m => m.Refresher).ToList() };

    public static bool IsCurrent(Certificate? certificate, DateTimeOffset now) => certificate is not null && now < certificate.ExpiresAt;

    public static CertificationStatus Status(Certificate? latest, SignOffRequest? open, DateTimeOffset now, CertificationOptions options)
    {
        if (IsCurrent(latest, now))
        {
            return InReminderWindow(latest!, now, options) ? CertificationStatus.RenewalDue : CertificationStatus.Certified;
        }
        if (open is not null)
        {
            return CertificationStatus.Requested;
        }
        return latest is null ? CertificationStatus.Pending : CertificationStatus.Lapsed;
    }

    /// <summary>From <see cref="CertificationOptions.ReminderDays"/> before expiry until it expires.</summary>
    public static bool InReminderWindow(Certificate certificate, DateTimeOffset now, CertificationOptions options) =>
        now >= certificate.ExpiresAt - options.ReminderWindow && now < certificate.ExpiresAt;

    /// <summary>The refresher run opens <see cref="CertificationOptions.RefresherWindowDays"/> before expiry (and stays open after a lapse, for practice).</summary>
    public static DateTimeOffset RefresherOpensAt(Certificate certificate, CertificationOptions options) => certificate.ExpiresAt - options.RefresherWindow;

    public static bool RefresherOpen(Certificate? certificate, DateTimeOffset now, CertificationOptions options) =>
        certificate is not null && now >= RefresherOpensAt(certificate, options);

    /// <summary>
    /// A finished refresher run renews when the certificate has not lapsed and the run was started in this
    /// term's window; the new expiry is the old one plus the certificate's length, so renewing early loses nothing.
    /// After a lapse, refreshers alone never renew: a coordinator signs off again.
    /// </summary>
    public static bool RenewsWith(Certificate certificate, CourseProgress run, DateTimeOffset now, CertificationOptions options) =>
        run.IsRefresher && run.CompletedAt is not null && IsCurrent(certificate, now) && run.StartedAt >= RefresherOpensAt(certificate, options);

    /// <summary>May the candidate ask for sign-off: every core module passed, not already asked, not currently certified.</summary>
    public static bool MayRequest(IReadOnlyList<CoreModuleState> coreModules, Certificate? latest, SignOffRequest? open, DateTimeOffset now) =>
        coreModules.Count > 0 && coreModules.All(m => m.Passed) && open is null && !IsCurrent(latest, now);
}

public sealed record CoreModuleState(Course Course, CourseModule Module, bool Passed);
