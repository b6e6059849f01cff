using Microsoft.Extensions.Options;
using Upstander.Features.PeerSupport.Care;
using Upstander.Features.Training;
using Upstander.Platform.Data;

namespace Upstander.Features.Demo;

/// <summary>One person's place in the demo academy.</summary>
/// <param name="Name">A seeded person.</param>
/// <param name="Cohort">0 = the intake certified about a year ago, 1 = the intake certified this spring, 2 = the intake training now.</param>
/// <param name="ModulesPassed">Core modules passed, in order (10 = the whole course).</param>
/// <param name="Stage">What else: "" (nothing), "requested" (asked for sign-off), "certified", "stuck" (fails a check), "inactive".</param>
/// <param name="CertifiedMonthsAgo">For the certified: when the coordinator signed them off (fractions allowed).</param>
public sealed record DemoLearner(string Name, int Cohort, int ModulesPassed, string Stage = "", double CertifiedMonthsAgo = 0);

/// <summary>
/// Fills the demo organisation's academy so every screen has something true to show: three intakes of
/// candidates for the core course (one certified about a year ago, one this spring, one training now),
/// a candidate part-way who can sign in, a supporter whose certificate comes up for renewal within the
/// month (so the reminder and the refresher show), one whose certificate has lapsed, someone stuck on a
/// knowledge check, someone inactive, and a sign-off request waiting for the coordinator.
/// Everything is written with the same domain methods the pages use, at believable times in the past.
/// </summary>
public sealed class DemoTraining(
    AppDbContext db, TrainingLibrary library, IOptions<CertificationOptions> certification, IConfiguration configuration, IHostEnvironment environment, TimeProvider clock)
{
    public const string CoreCourse = "becoming-a-peer-supporter";

    /// <summary>The coordinator who enrolled and signed off the demo candidates.</summary>
    public const string Coordinator = "Isla MacLeod";

    public static readonly IReadOnlyList<DemoLearner> Learners =
    [
        // About a year ago: five certified; Kwame's certificate is due for renewal within the month, Oliver's lapsed.
        new("Oliver Brown", 0, 10, "certified", 13),
        new("Kwame Mensah", 0, 10, "certified", 11.2),
        new("Mateo García", 0, 10, "certified", 10),
        new("Hannah Schmidt", 0, 10, "certified", 9.5),
        new("Yusuf Demir", 0, 10, "certified", 9),
        // This spring: five certified.
        new("Ethan Clarke", 1, 10, "certified", 5),
        new("Jack Thompson", 1, 10, "certified", 4.5),
        new("Nadia Kowalski", 1, 10, "certified", 4.2),
        new("Omar Farouk", 1, 10, "certified", 4),
        new("Ana Silva", 1, 10, "certified", 3.5),
        // Training now.
        new("Aisha Rahman", 2, 4),
        new("Sofia Rossi", 2, 10, "requested"),
        new("Ben Cohen", 2, 6),
        new("Lucas Dubois", 2, 2),
        new("Zoe Papadopoulos", 2, 2, "stuck"),
        new("Grace Kim", 2, 1, "inactive"),
    ];

    /// <summary>The people who need an account with the PeerSupporter role (certified at some point).</summary>
    public static IEnumerable<string> Supporters => Learners.Where(l => l.Stage == "certified").Select(l => l.Name);

    public async Task SeedAsync(Guid organisationId, IReadOnlyDictionary<string, Guid> people, CancellationToken ct)
    {
        // The demo is seeded before the app starts serving, so before the content is loaded at start-up.
        await library.EnsureLoadedAsync(configuration, environment.ContentRootPath, ct);
        var course = await library.CurrentAsync(db, CoreCourse, ct)
            ?? throw new InvalidOperationException($"The demo needs the shipped course \"{CoreCourse}\".");
        var now = clock.GetUtcNow();
        var coordinator = people[Coordinator];
        foreach (var learner in Learners)
        {
            var personId = people[learner.Name];
            var cohortStart = CohortStart(learner.Cohort, now);
            var started = cohortStart.AddDays(Spread(learner.Name, 10));
            db.Set<CourseEnrolment>().Add(CourseEnrolment.Enrol(organisationId, personId, CoreCourse, coordinator, cohortStart.AddDays(-7), CohortName(cohortStart)));
            var progress = CourseProgress.Start(organisationId, personId, CoreCourse, course.VersionId, started);
            db.Set<CourseProgress>().Add(progress);

            // Each module takes about a week; a candidate training now is spread up to today.
            var span = learner.Stage == "certified" ? 7.0 : Math.Max(1, (now - started).TotalDays - 3) / 10;
            var at = started;
            var modules = course.Course.Modules;
            for (var m = 0; m < modules.Count && m < learner.ModulesPassed; m++)
            {
                at = started.AddDays(span * (m + 1));
                Pass(progress, course.Course, modules[m], at, firstTryFails: Spread(learner.Name + m, 3) == 0);
            }
            if (learner.ModulesPassed < modules.Count)
            {
                var next = modules[learner.ModulesPassed];
                at = learner.Stage == "inactive" ? now.AddDays(-30) : at.AddDays(2);
                if (next.Lessons.Count > 0)
                {
                    progress.Visit(TrainingSteps.Lesson(next.Key, 1), at);
                    progress.Complete(TrainingSteps.Lesson(next.Key, 1), course.Course, at);
                }
                if (learner.Stage == "stuck" && next.Check is { } check)
                {
                    foreach (var step in next.Steps.Where(s => s.Contains("/lessons/", StringComparison.Ordinal)))
                    {
                        progress.Complete(step, course.Course, at);
                    }
                    for (var attempt = 0; attempt < 3; attempt++)
                    {
                        Submit(progress, next, check, at.AddHours(attempt + 1), correct: false);
                    }
                    progress.Visit(TrainingSteps.Check(next.Key), at.AddHours(3));
                }
            }
            await db.SaveChangesAsync(ct);

            if (learner.Stage is "requested" or "certified")
            {
                var asked = learner.Stage == "certified" ? now.AddDays(-30.4 * learner.CertifiedMonthsAgo - 5) : now.AddDays(-2);
                var request = SignOffRequest.Open(organisationId, personId, asked);
                db.Set<SignOffRequest>().Add(request);
                if (learner.Stage == "certified")
                {
                    var signedOff = now.AddDays(-30.4 * learner.CertifiedMonthsAgo);
                    request.SignOff(coordinator, DateOnly.FromDateTime(signedOff.UtcDateTime.AddDays(-1)), null, signedOff);
                    db.Set<Certificate>().Add(Certificate.Issue(request, signedOff, certification.Value.CertificateMonths));
                }
                await db.SaveChangesAsync(ct);
            }
        }
        await SeedAvailabilityAsync(organisationId, people, now, ct);
    }

    /// <summary>
    /// How each certified demo supporter has set up their availability: most available with room for
    /// a few cases, one paused for a fortnight, one unavailable; a few extra languages and shared
    /// experience, so matching and its explanations have something true to work with.
    /// </summary>
    private static readonly Dictionary<string, (bool Available, int PausedDays, int Cap, string[] Languages, string[] Tags)> Availability = new()
    {
        ["Kwame Mensah"] = (true, 0, 5, ["en", "fr"], ["experienced-bullying", "racism"]),
        ["Mateo García"] = (true, 0, 2, ["en", "es"], ["new-to-organisation"]),
        ["Hannah Schmidt"] = (true, 14, 3, ["en", "de"], ["caring-responsibilities"]),
        ["Yusuf Demir"] = (true, 0, 4, ["en"], ["nights-or-shifts"]),
        ["Ethan Clarke"] = (true, 0, 3, ["en"], ["lgbtq"]),
        ["Jack Thompson"] = (false, 0, 2, ["en"], []),
        ["Nadia Kowalski"] = (true, 0, 3, ["en", "pl"], ["experienced-bullying"]),
        ["Omar Farouk"] = (true, 0, 2, ["en"], ["disability"]),
        ["Ana Silva"] = (true, 0, 3, ["en", "pt"], ["caring-responsibilities", "new-to-organisation"]),
        ["Oliver Brown"] = (true, 0, 3, ["en"], []),
    };

    private async Task SeedAvailabilityAsync(Guid organisationId, IReadOnlyDictionary<string, Guid> people, DateTimeOffset now, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        foreach (var (name, (available, pausedDays, cap, languages, tags)) in Availability)
        {
            var settings = SupporterSettings.For(organisationId, people[name]);
            settings.Apply(available, pausedDays > 0 ? today.AddDays(pausedDays) : null, cap, languages, tags, now.AddDays(-20));
            db.Set<SupporterSettings>().Add(settings);
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Lessons read, the check passed (sometimes at the second try), each practice conversation finished.</summary>
    private void Pass(CourseProgress progress, Course course, CourseModule module, DateTimeOffset at, bool firstTryFails)
    {
        foreach (var step in module.Steps)
        {
            progress.Visit(step, at);
            if (step == TrainingSteps.Check(module.Key) && module.Check is { } check)
            {
                if (firstTryFails)
                {
                    Submit(progress, module, check, at.AddMinutes(-20), correct: false);
                }
                Submit(progress, module, check, at, correct: true);
            }
            progress.Complete(step, course, at);
        }
    }

    private void Submit(CourseProgress progress, CourseModule module, KnowledgeCheck check, DateTimeOffset at, bool correct)
    {
        var attempt = CheckAttempt.Begin(progress, module, at.AddMinutes(-5));
        var answers = check.Questions.ToDictionary(
            q => q.Id,
            q => (IReadOnlySet<string>)q.Options.Where(o => o.Correct == correct).Take(correct ? int.MaxValue : 1).Select(o => o.Id).ToHashSet());
        attempt.Submit(check, answers, at);
        db.Set<CheckAttempt>().Add(attempt);
    }

    /// <summary>When each intake began: about fourteen months ago, six months ago, and seven weeks ago.</summary>
    private static DateTimeOffset CohortStart(int cohort, DateTimeOffset now) => cohort switch
    {
        0 => now.AddMonths(-14),
        1 => now.AddMonths(-6),
        _ => now.AddDays(-50),
    };

    private static string CohortName(DateTimeOffset start) =>
        start.ToString("MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture) + " intake";

    /// <summary>A small, stable spread (0 to <paramref name="range"/> - 1) from a name, so the demo is the same every time.</summary>
    private static int Spread(string name, int range) => name.Aggregate(17, (hash, c) => unchecked((hash * 31) + c) & 0x7fffffff) % range;
}
