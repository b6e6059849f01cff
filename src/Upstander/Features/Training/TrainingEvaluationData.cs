using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Web;

namespace Upstander.Features.Training;

/// <summary>The training evaluation as read (<see cref="TrainingEvaluationData.EvaluateAsync"/>), and the organisation's minimums it was read with.</summary>
public sealed record EvaluationReading(IReadOnlyList<CourseEvaluation> Courses, MinimumGroupSizes Minimums);

/// <summary>A module's released comments, opened and sorted by their text, and the minimum for comments they are released in whole groups of.</summary>
public sealed record ModuleComments(IReadOnlyList<string> Comments, int Minimum);

/// <summary>
/// Reads the organisation's training records into <see cref="TrainingEvaluation"/>'s plain inputs, as they stood at the end
/// of the last completed calendar quarter in the organisation's time zone (<see cref="CompletedPeriods"/>): learners who
/// started before then, the steps they had done and the cohort they had been enrolled with by then, and their answers
/// (check attempts, reactions, self-assessments) as they stood then, an answer changed since counting as it was
/// (<see cref="AnswerHistory"/>). Nothing done in the quarter in progress is counted, so the figures change only when a
/// quarter closes. Then each part of each row releases its learners' changed states only when each of its figures changed
/// for no learner or for at least the minimum group size of them (<see cref="TrainingEvaluation.Releasable"/>,
/// <see cref="EvaluationRelease"/>), and the figures are computed from the released states, so no figure ever moves by
/// fewer learners than that; free comments are released on their own, in whole groups of the organisation's minimum
/// for comments, which is separate and at least as high, and stay released (<see cref="CommentRelease"/>). Scoped.
/// </summary>
public sealed class TrainingEvaluationData(AppDbContext db, TrainingLibrary library, FieldProtector protector, AuditLog audit, OrganisationTime time, CompletedPeriods periods, ExclusiveLocks locks, IStringLocalizer<SharedResource> t)
{
    /// <summary>Releasing states runs one reader at a time per organisation, so two readers never release the same change twice over.</summary>
    public const string ReleaseSection = "training-evaluation-release";

    private const string CohortPrefix = "cohort ";
    private const string StartedPrefix = "started ";

    private CalendarPeriod? _quarter;

    /// <summary>The last completed quarter: the figures count what learners did up to its end.</summary>
    public CalendarPeriod Quarter => _quarter ??= periods.Last(PeriodKind.Quarter).Single();

    /// <summary>The organisation's current version of a course (its own published version, else the shipped one).</summary>
    public Task<PublishedCourse?> CurrentCourseAsync(string slug, CancellationToken ct) => library.CurrentAsync(db, slug, ct);

    /// <summary>
    /// Every course on offer, evaluated with suppression applied, from the released states: first, under the release
    /// section, each part of each row whose learners' states as of the end of the last completed quarter differ from those
    /// released (a learner new to it or gone from it too) releases them all, if each of the part's figures changed for
    /// none of them or for at least the minimum group size; otherwise it keeps what it released before and stands at the
    /// quarter of that release. An organisation that showed the evaluation before releases were kept releases everything
    /// once (<see cref="EvaluationBaseline"/>). The comments are released too (<see cref="ReleaseBaselineAsync"/>,
    /// <see cref="ReleasedCommentsAsync"/>), and each module counts those shown. Returns the organisation's minimums with
    /// the figures, as read for them.
    /// </summary>
    public async Task<EvaluationReading> EvaluateAsync(CancellationToken ct)
    {
        var minimums = await Organisation.MinimumGroupSizesAsync(db, ct);
        var minimum = minimums.Size;
        var through = Quarter.Last;
        var organisationId = db.CurrentOrganisationId!.Value;
        await using var section = await locks.EnterAsync(db, ReleaseSection, organisationId, ct);
        await ReleaseBaselineAsync(minimum, ct);
        var baseline = await db.Set<EvaluationBaseline>().SingleOrDefaultAsync(ct);
        var results = new List<CourseEvaluation>();
        foreach (var published in await library.CatalogueAsync(db, ct))
        {
            var (input, reactions) = await ReadAsync(published.Course, ct);
            var states = TrainingEvaluation.States(input).ToDictionary(s => new StateKey(s.Part, s.Row, s.PersonId), s => s.State);
            var current = states.ToDictionary(s => s.Key, s => s.Value.ToJson());
            var kept = (await db.Set<EvaluationRelease>().Where(r => r.CourseSlug == input.Slug).ToListAsync(ct))
                .ToDictionary(r => new StateKey(Enum.Parse<RowPart>(r.Part), r.Row, r.PersonId));
            // Each kept state parsed once; a release here replaces it with the state released.
            var keptStates = kept.ToDictionary(k => k.Key, k => k.Value.State is { } json ? RowState.Parse(json) : null);
            var held = new Dictionary<(RowPart, string), DateOnly?>();
            foreach (var row in current.Keys.Union(kept.Keys).GroupBy(k => (k.Part, k.Row)))
            {
                var pending = row.Where(k => current.GetValueOrDefault(k) != kept.GetValueOrDefault(k)?.State).ToList();
                if (pending.Count == 0)
                {
                    continue;
                }
                var learners = row.Select(k => (keptStates.GetValueOrDefault(k), states.GetValueOrDefault(k))).ToList();
                if (baseline is null && !TrainingEvaluation.Releasable(row.Key.Part, learners, minimum))
                {
                    var standsAt = row.Where(kept.ContainsKey).Select(k => (DateOnly?)kept[k].ReleasedThrough).Max();
                    held[row.Key] = standsAt < through ? standsAt : null;
                    continue;
                }
                foreach (var key in pending)
                {
                    if (!kept.TryGetValue(key, out var release))
                    {
                        release = EvaluationRelease.Of(organisationId, input.Slug, key.Part, key.Row, key.PersonId);
                        db.Add(release);
                        kept[key] = release;
                    }
                    release.Release(current.GetValueOrDefault(key), through);
                    keptStates[key] = states.GetValueOrDefault(key);
                }
            }
            var released = kept.Keys.Where(k => keptStates[k] is not null).Select(k => new LearnerRowState(k.Part, k.Row, k.PersonId, keptStates[k]!)).ToList();
            var comments = (await ReleasedCommentsAsync(reactions, minimums.Comments, ct)).CountBy(r => r.ModuleKey).ToDictionary();
            results.Add(TrainingEvaluation.Evaluate(input, released, minimum,
                cohortRows: current.Keys.Where(k => k.Part is RowPart.Learners or RowPart.Growth).Select(k => k.Row),
                label: Label, asOf: (part, row) => held.GetValueOrDefault((part, row)),
                comments: module => comments.GetValueOrDefault(module)));
        }
        if (baseline is not null)
        {
            db.Remove(baseline);
        }
        await db.SaveChangesAsync(ct);
        return new EvaluationReading(results, minimums);
    }

    /// <summary>
    /// The released free comments on a module (<see cref="ReleasedCommentsAsync"/>), opened, without names, sorted by their
    /// text so the order tells nothing of when each was given, with the minimum for comments they were released by;
    /// null while none is released. One audit event records the reading.
    /// </summary>
    public async Task<ModuleComments?> CommentsAsync(string slug, string moduleKey, CancellationToken ct)
    {
        var minimums = await Organisation.MinimumGroupSizesAsync(db, ct);
        await using var section = await locks.EnterAsync(db, ReleaseSection, db.CurrentOrganisationId!.Value, ct);
        await ReleaseBaselineAsync(minimums.Size, ct);
        var reactions = await ReactionsAsync([.. (await ProgressAsync(slug, ct)).Select(p => p.Id)], moduleKey, ct);
        var released = await ReleasedCommentsAsync(reactions, minimums.Comments, ct);
        if (released.Count == 0)
        {
            return null;
        }
        var comments = released.Select(r => protector.Open(r.CommentSealed!, ModuleReaction.CommentPurpose, r.Id))
            .Order(StringComparer.CurrentCulture)
            .ToList();
        audit.Record(AuditActions.ProtectedRead, "training-reaction-comments", $"{slug}/{moduleKey}", detail: $"comments={comments.Count}");
        await db.SaveChangesAsync(ct);
        return new ModuleComments(comments, minimums.Comments);
    }

    /// <summary>
    /// Of the comments on <paramref name="reactions"/> (as they stood at the end of the last completed quarter, in the
    /// order they were given), those released, after releasing what may be: a comment once released stays released while
    /// its reaction counts that same comment, and is never taken back; the others wait, and are released only in whole
    /// groups of the organisation's minimum for comments on their own module, oldest first (comments on two modules never
    /// make up one group, as each module's are read on their own page). A comment changed after it was shown is a new one:
    /// the old one no longer counts and leaves the page, and the new one waits at the end of the queue, so no comment that
    /// waited ever shows without a whole group. Raising the minimum shows nothing more; lowering it releases whole groups
    /// of the new one. Run under the release section, after <see cref="ReleaseBaselineAsync"/>.
    /// </summary>
    private async Task<List<GivenReaction>> ReleasedCommentsAsync(List<GivenReaction> reactions, int commentMinimum, CancellationToken ct)
    {
        var given = Commented(reactions);
        var kept = await KeptAsync(given, ct);
        bool Shown(GivenReaction reaction) => kept.TryGetValue(reaction.Id, out var release) && release.Holds(reaction.CommentSealed!);
        foreach (var module in given.Where(r => !Shown(r)).GroupBy(r => r.ModuleKey).ToList())
        {
            Release(kept, WholeGroups.Of([.. module], commentMinimum));
        }
        return [.. given.Where(Shown)];
    }

    /// <summary>
    /// An organisation upgraded from before comment releases were kept (<see cref="CommentBaseline"/>) first keeps what it
    /// showed then: on each module of each course, the first whole groups of <paramref name="minimum"/> of its comments in
    /// the order given. Whichever reading comes first, the evaluation or a comments page, does it once for every module and
    /// removes the mark, so no later reading goes back to that rule. Run under the release section.
    /// </summary>
    private async Task ReleaseBaselineAsync(int minimum, CancellationToken ct)
    {
        if (await db.Set<CommentBaseline>().SingleOrDefaultAsync(ct) is not { } baseline)
        {
            return;
        }
        foreach (var published in await library.CatalogueAsync(db, ct))
        {
            var given = Commented(await ReactionsAsync([.. (await ProgressAsync(published.Course.Slug, ct)).Select(p => p.Id)], null, ct));
            var kept = await KeptAsync(given, ct);
            foreach (var module in given.GroupBy(r => r.ModuleKey))
            {
                Release(kept, WholeGroups.Of([.. module], minimum));
            }
        }
        db.Remove(baseline);
        // Saved now, so the releases that follow in this reading read these.
        await db.SaveChangesAsync(ct);
    }

    private static List<GivenReaction> Commented(List<GivenReaction> reactions) => [.. reactions.Where(r => r.CommentSealed is not null)];

    /// <summary>The releases kept for <paramref name="given"/>, by reaction.</summary>
    private Task<Dictionary<Guid, CommentRelease>> KeptAsync(List<GivenReaction> given, CancellationToken ct)
    {
        var ids = given.Select(r => r.Id).ToList();
        return db.Set<CommentRelease>().Where(r => ids.Contains(r.ReactionId)).ToDictionaryAsync(r => r.ReactionId, ct);
    }

    /// <summary>Releases each of <paramref name="reactions"/>' comments as it stands, beside those <paramref name="kept"/>.</summary>
    private void Release(Dictionary<Guid, CommentRelease> kept, IEnumerable<GivenReaction> reactions)
    {
        foreach (var reaction in reactions)
        {
            if (!kept.TryGetValue(reaction.Id, out var release))
            {
                release = CommentRelease.Of(db.CurrentOrganisationId!.Value, reaction.Id);
                db.Add(release);
                kept[reaction.Id] = release;
            }
            release.Release(reaction.CommentSealed!);
        }
    }

    /// <summary>Learners of the course (as first taken: refresher runs are renewals, not new learners) who started it before the end of the last completed quarter.</summary>
    private async Task<List<CourseProgress>> ProgressAsync(string slug, CancellationToken ct)
    {
        var until = Quarter.End;
        var rows = await db.Set<CourseProgress>().AsNoTracking().Where(p => p.CourseSlug == slug && p.Run == CourseProgress.CourseRun).ToListAsync(ct);
        return [.. rows.Where(p => p.StartedAt < until)];
    }

    private sealed record GivenReaction(Guid Id, Guid CourseProgressId, string ModuleKey, int Useful, int Relevant, int Clear, string? CommentSealed, DateTimeOffset AnsweredAt);

    /// <summary>Reactions (of one module, or all) as they stood at the end of the last completed quarter, in the order they were given.</summary>
    private async Task<List<GivenReaction>> ReactionsAsync(List<Guid> progressIds, string? moduleKey, CancellationToken ct)
    {
        var until = Quarter.End;
        var rows = await db.Set<ModuleReaction>().AsNoTracking()
            .Where(r => progressIds.Contains(r.CourseProgressId) && (moduleKey == null || r.ModuleKey == moduleKey))
            .ToListAsync(ct);
        return [.. rows.Select(r => r.Before(until) is { } a ? new GivenReaction(r.Id, r.CourseProgressId, r.ModuleKey, a.Useful, a.Relevant, a.Clear, a.CommentSealed, a.AnsweredAt) : null)
            .OfType<GivenReaction>().OrderBy(r => r.AnsweredAt).ThenBy(r => r.Id)];
    }

    public async Task<EvaluationInput> InputAsync(Course course, CancellationToken ct) => (await ReadAsync(course, ct)).Input;

    /// <summary>The course's records as plain inputs, and its reactions as they stood (for their comments).</summary>
    private async Task<(EvaluationInput Input, List<GivenReaction> Reactions)> ReadAsync(Course course, CancellationToken ct)
    {
        var until = Quarter.End;
        var progress = await ProgressAsync(course.Slug, ct);
        var ids = progress.Select(p => p.Id).ToList();
        var cohorts = await db.Set<CourseEnrolment>().AsNoTracking().Where(e => e.CourseSlug == course.Slug && e.Cohort != null && e.EnrolledAt < until)
            .ToDictionaryAsync(e => e.PersonId, e => e.Cohort!, ct);
        var attempts = (await db.Set<CheckAttempt>().AsNoTracking()
            .Where(a => ids.Contains(a.CourseProgressId) && a.SubmittedAt != null)
            .Select(a => new { a.CourseProgressId, a.ModuleKey, a.SubmittedAt, a.CorrectCount, a.QuestionCount, a.Passed })
            .ToListAsync(ct)).Where(a => a.SubmittedAt < until).ToList();
        var reactions = await ReactionsAsync(ids, null, ct);
        var assessments = await db.Set<SelfAssessmentResponse>().AsNoTracking().Where(r => ids.Contains(r.CourseProgressId)).ToListAsync(ct);

        var person = progress.ToDictionary(p => p.Id, p => p.PersonId);
        var learners = new List<EvaluationLearner>();
        foreach (var row in progress)
        {
            var taken = (await library.VersionAsync(db, row.CourseVersionId, ct))?.Course ?? course;
            var done = row.DoneBefore(until);
            var started = taken.Modules.Where(m => done.Any(s => s.StartsWith(m.Key + "/", StringComparison.Ordinal))).Select(m => m.Key).ToHashSet();
            var completed = taken.Modules.Where(m => CourseProgress.IsModuleComplete(m, done)).Select(m => m.Key).ToHashSet();
            IReadOnlyDictionary<string, double>? Skills(string phase) =>
                taken.SelfAssessment is { } sa && assessments.FirstOrDefault(a => a.CourseProgressId == row.Id && a.Phase == phase)?.AnswersBefore(until) is { } answers
                    ? SelfAssessmentResponse.SkillMeans(sa, answers)
                    : null;
            var group = cohorts.TryGetValue(row.PersonId, out var cohort) ? CohortPrefix + cohort : StartedKey(row.StartedAt);
            learners.Add(new EvaluationLearner(row.PersonId, Label(group),
                row.CompletedAt < until, started, completed, Skills(SelfAssessmentPhase.Before), Skills(SelfAssessmentPhase.After), group));
        }
        return (new EvaluationInput(course.Slug, course.Title,
            course.Modules.Select(m => new EvaluationModule(m.Key, m.Title, m.Check is not null)).ToList(),
            learners,
            attempts.Select(a => new EvaluationAttempt(person[a.CourseProgressId], a.ModuleKey, a.SubmittedAt!.Value,
                a.QuestionCount == 0 ? 0 : (double)(a.CorrectCount ?? 0) / a.QuestionCount, a.Passed)).ToList(),
            reactions.Select(r => new EvaluationReaction(person[r.CourseProgressId], r.ModuleKey, r.Useful, r.Relevant, r.Clear)).ToList(),
            course.SelfAssessment is not null), reactions);
    }

    private sealed record StateKey(RowPart Part, string Row, Guid PersonId);

    /// <summary>
    /// Learners enrolled without a cohort are grouped by the calendar quarter they started in, in the organisation's zone.
    /// The key a group's releases are kept under is the same whatever the reader's language.
    /// </summary>
    private string StartedKey(DateTimeOffset startedAt)
    {
        var day = OrganisationZones.DateIn(time.Zone, startedAt);
        return FormattableString.Invariant($"{StartedPrefix}{day.Year} {CalendarPeriod.QuarterOf(day)}");
    }

    /// <summary>A cohort group's name from its key: the cohort's own, or "Started 2026 Q3".</summary>
    private string Label(string key)
    {
        if (key.StartsWith(CohortPrefix, StringComparison.Ordinal))
        {
            return key[CohortPrefix.Length..];
        }
        var parts = key[StartedPrefix.Length..].Split(' ');
        return t["Started {0} Q{1}", int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture)].Value;
    }
}
