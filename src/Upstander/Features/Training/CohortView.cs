using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;

namespace Upstander.Features.Training;

public enum ModuleProgress
{
    NotStarted,
    InProgress,
    Done,
}

public sealed record LearnerModule(CourseModule Module, ModuleProgress Progress, bool CheckPassed, int FailedAttempts);

public sealed record CohortLearner(
    Guid PersonId, string Name, string CourseTitle, DateTimeOffset EnrolledAt, DateTimeOffset LastActivityAt,
    IReadOnlyList<LearnerModule> Modules, bool Stuck, bool Inactive, bool Completed);

public sealed record Cohort(string? Name, IReadOnlyList<CohortLearner> Learners);

public sealed record ExpiryRow(Guid PersonId, string Name, DateTimeOffset ExpiresAt, DateTimeOffset? RemindedAt, bool Lapsed);

public sealed record RequestRow(Guid Id, Guid PersonId, string Name, DateTimeOffset RequestedAt);

/// <summary>
/// The coordinator's cohort view: enrolled learners by cohort with progress by module, stuck and inactive
/// learners, upcoming expiries and lapsed supporters, and sign-off requests. A fixed handful of queries
/// whatever the cohort's size (no query per learner). Scoped.
/// </summary>
public sealed class CohortView(AppDbContext db, TrainingLibrary library, SupporterCertification certification, TimeProvider clock)
{
    /// <summary>Lapsed supporters listed at most (the oldest lapses drop off first).</summary>
    public const int LapsedShown = 200;

    public async Task<IReadOnlyList<Cohort>> CohortsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var options = certification.Options;
        var enrolments = await db.Set<CourseEnrolment>().AsNoTracking()
            .Join(db.People, e => e.PersonId, p => p.Id, (e, p) => new { e.PersonId, e.CourseSlug, e.Cohort, e.EnrolledAt, p.Name })
            .ToListAsync(ct);
        var progress = await db.Set<CourseProgress>().AsNoTracking()
            .Where(p => p.Run == CourseProgress.CourseRun && db.Set<CourseEnrolment>().Any(e => e.PersonId == p.PersonId && e.CourseSlug == p.CourseSlug))
            .ToListAsync(ct);
        var attempts = await db.Set<CheckAttempt>().AsNoTracking()
            .Where(a => a.SubmittedAt != null && db.Set<CourseProgress>().Any(p => p.Id == a.CourseProgressId && p.Run == CourseProgress.CourseRun
                && db.Set<CourseEnrolment>().Any(e => e.PersonId == p.PersonId && e.CourseSlug == p.CourseSlug)))
            .GroupBy(a => new { a.CourseProgressId, a.ModuleKey })
            .Select(g => new { g.Key.CourseProgressId, g.Key.ModuleKey, Failed = g.Count(a => !a.Passed), Passed = g.Max(a => a.Passed ? 1 : 0) })
            .ToListAsync(ct);
        var attemptsByProgress = attempts.ToLookup(a => a.CourseProgressId);
        var progressByLearner = progress.ToDictionary(p => (p.PersonId, p.CourseSlug));
        var inactiveBefore = now - TimeSpan.FromDays(options.InactiveDays);
        var catalogue = (await library.CatalogueAsync(db, ct)).ToDictionary(c => c.Course.Slug, StringComparer.Ordinal);

        var learners = new List<(string? Cohort, CohortLearner Learner)>();
        foreach (var enrolment in enrolments)
        {
            var mine = progressByLearner.GetValueOrDefault((enrolment.PersonId, enrolment.CourseSlug));
            var course = (mine is not null ? await library.VersionAsync(db, mine.CourseVersionId, ct) : catalogue.GetValueOrDefault(enrolment.CourseSlug))?.Course;
            if (course is null)
            {
                continue;
            }
            var tries = mine is null ? [] : attemptsByProgress[mine.Id].ToDictionary(a => a.ModuleKey, StringComparer.Ordinal);
            var modules = course.Modules.Select(m =>
            {
                var tried = tries.GetValueOrDefault(m.Key);
                var state = mine is null || mine.ModuleStepsDone(m) == 0 ? ModuleProgress.NotStarted
                    : mine.IsModuleComplete(m) ? ModuleProgress.Done : ModuleProgress.InProgress;
                return new LearnerModule(m, state, tried?.Passed == 1, tried?.Failed ?? 0);
            }).ToList();
            var completed = mine?.CompletedAt is not null;
            var lastActivity = mine?.LastActivityAt ?? enrolment.EnrolledAt;
            learners.Add((enrolment.Cohort, new CohortLearner(
                enrolment.PersonId, enrolment.Name, course.Title, enrolment.EnrolledAt, lastActivity, modules,
                Stuck: modules.Any(m => !m.CheckPassed && m.FailedAttempts >= CertificationOptions.StuckFailedAttempts),
                Inactive: !completed && lastActivity < inactiveBefore,
                completed)));
        }
        return learners
            .GroupBy(l => l.Cohort)
            .OrderBy(g => g.Key is null).ThenBy(g => g.Key, StringComparer.CurrentCulture)
            .Select(g => new Cohort(g.Key, g.Select(l => l.Learner).OrderBy(l => l.Name, StringComparer.CurrentCulture).ToList()))
            .ToList();
    }

    /// <summary>Latest certificates that expire within the refresher window, and those that have lapsed.</summary>
    public async Task<IReadOnlyList<ExpiryRow>> ExpiriesAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var horizon = now + certification.Options.RefresherWindow;
        var rows = await db.Set<Certificate>().AsNoTracking()
            .Where(c => c.ExpiresAt < horizon && !db.Set<Certificate>().Any(n => n.PersonId == c.PersonId && n.CertifiedAt > c.CertifiedAt))
            .OrderByDescending(c => c.ExpiresAt)
            .Take(LapsedShown)
            .Join(db.People, c => c.PersonId, p => p.Id, (c, p) => new { c.PersonId, p.Name, c.ExpiresAt, c.RemindedAt, c.RemindedForExpiry })
            .ToListAsync(ct);
        return rows
            .Select(r => new ExpiryRow(r.PersonId, r.Name, r.ExpiresAt, r.RemindedForExpiry == r.ExpiresAt ? r.RemindedAt : null, r.ExpiresAt <= now))
            .OrderBy(r => r.Lapsed).ThenBy(r => r.ExpiresAt)
            .ToList();
    }

    public async Task<IReadOnlyList<RequestRow>> OpenRequestsAsync(CancellationToken ct) =>
        (await db.Set<SignOffRequest>().AsNoTracking()
            .Where(r => r.Decision == null)
            .Join(db.People, r => r.PersonId, p => p.Id, (r, p) => new { r.Id, r.PersonId, p.Name, r.RequestedAt })
            .ToListAsync(ct))
        .OrderBy(r => r.RequestedAt)
        .Select(r => new RequestRow(r.Id, r.PersonId, r.Name, r.RequestedAt))
        .ToList();
}
