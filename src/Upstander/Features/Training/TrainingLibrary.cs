using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform;
using Upstander.Platform.Data;

namespace Upstander.Features.Training;

/// <summary>A published version of a course; <see cref="OrganisationId"/> is null for a shipped one.</summary>
public sealed record PublishedCourse(Guid VersionId, Course Course, Guid? OrganisationId = null)
{
    public bool IsShipped => OrganisationId is null;
}

/// <summary>
/// The shipped courses (the content files loaded at start-up), each organisation's catalogue (its own
/// published versions over the shipped ones), and every stored version learners may still be part-way
/// through. Singleton; a version's content never changes, so it is read from the database once and cached.
/// </summary>
public sealed class TrainingLibrary(IServiceScopeFactory scopes, TimeProvider clock)
{
    private readonly ConcurrentDictionary<Guid, PublishedCourse> _versions = new();
    private IReadOnlyList<PublishedCourse> _shipped = [];
    private volatile bool _loaded;

    /// <summary>The current version of each course from the files, as every organisation gets it until its coordinators publish their own.</summary>
    public IReadOnlyList<PublishedCourse> Shipped => _shipped;

    /// <summary>Loads and validates every course under <paramref name="root"/>, stores any new content as a new version, and offers it from now on.</summary>
    public async Task LoadAsync(string root, CancellationToken ct)
    {
        var courses = CourseLoader.LoadAll(root);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var published = new List<PublishedCourse>();
        foreach (var course in courses)
        {
            var candidate = CourseVersion.Publish(course, clock.GetUtcNow());
            var existing = await db.Set<CourseVersion>()
                .Where(v => v.OrganisationId == null && v.Slug == candidate.Slug && v.ContentHash == candidate.ContentHash)
                .Select(v => (Guid?)v.Id)
                .FirstOrDefaultAsync(ct);
            if (existing is null)
            {
                db.Set<CourseVersion>().Add(candidate);
                await db.SaveChangesAsync(ct);
            }
            var entry = new PublishedCourse(existing ?? candidate.Id, course);
            _versions[entry.VersionId] = entry;
            published.Add(entry);
        }
        _shipped = published;
        _loaded = true;
    }

    /// <summary>
    /// Loads the configured content (see <see cref="ContentFolder"/>) unless it is loaded already: at
    /// start-up, or earlier when the demo is seeded before the app serves. False when there is no content folder.
    /// </summary>
    public async Task<bool> EnsureLoadedAsync(IConfiguration configuration, string contentRoot, CancellationToken ct)
    {
        if (_loaded)
        {
            return true;
        }
        if (ContentFolder(configuration, contentRoot) is not { } folder)
        {
            return false;
        }
        await LoadAsync(folder, ct);
        return true;
    }

    /// <summary>
    /// What the organisation of <paramref name="db"/> offers now: for each course, its latest published
    /// version if it has one, else the shipped version; then the courses it created itself, by title.
    /// </summary>
    public async Task<IReadOnlyList<PublishedCourse>> CatalogueAsync(AppDbContext db, CancellationToken ct)
    {
        if (db.CurrentOrganisationId is not { } organisationId)
        {
            return _shipped;
        }
        // The query filter already limits versions to shipped ones and this organisation's; the owner test keeps only its own.
        var own = await db.Set<CourseVersion>().AsNoTracking()
            .Where(v => v.OrganisationId == organisationId)
            .Select(v => new { v.Id, v.Slug, v.Version, v.PublishedAt })
            .ToListAsync(ct);
        var latest = new Dictionary<string, PublishedCourse>(StringComparer.Ordinal);
        foreach (var row in own.GroupBy(v => v.Slug).Select(g => g.OrderByDescending(v => v.Version).ThenByDescending(v => v.PublishedAt).First()))
        {
            if (await VersionAsync(db, row.Id, ct) is { } version)
            {
                latest[row.Slug] = version;
            }
        }
        return
        [
            .. _shipped.Select(s => latest.GetValueOrDefault(s.Course.Slug) ?? s),
            .. latest.Values.Where(v => _shipped.All(s => s.Course.Slug != v.Course.Slug)).OrderBy(v => v.Course.Title, StringComparer.CurrentCulture),
        ];
    }

    /// <summary>The current version of one course for the organisation of <paramref name="db"/>; null when it offers no such course.</summary>
    public async Task<PublishedCourse?> CurrentAsync(AppDbContext db, string slug, CancellationToken ct) =>
        (await CatalogueAsync(db, ct)).FirstOrDefault(c => c.Course.Slug == slug);

    /// <summary>A stored version (the one a learner started): a shipped one, or one of this organisation's own; never another organisation's.</summary>
    public async Task<PublishedCourse?> VersionAsync(AppDbContext db, Guid versionId, CancellationToken ct)
    {
        if (!_versions.TryGetValue(versionId, out var found))
        {
            var row = await db.Set<CourseVersion>().AsNoTracking().SingleOrDefaultAsync(v => v.Id == versionId, ct);
            if (row is null)
            {
                return null;
            }
            found = _versions.GetOrAdd(versionId, new PublishedCourse(row.Id, row.Read(), row.OrganisationId));
        }
        return found.IsShipped || found.OrganisationId == db.CurrentOrganisationId ? found : null;
    }

    /// <summary>
    /// Where the content lives: Training:ContentPath when set (relative to the content root), else
    /// content/training beside the app (a published copy), else found by walking up from the content root.
    /// </summary>
    public static string? ContentFolder(IConfiguration configuration, string contentRoot) =>
        ContentFolders.Find(configuration, contentRoot, "Training:ContentPath", "training", message => new TrainingContentException(message));
}

/// <summary>Loads the training content when the app starts; a broken course stops start-up with a message naming the file.</summary>
public sealed class TrainingContentStartup(TrainingLibrary library, IConfiguration configuration, IWebHostEnvironment environment, ILogger<TrainingContentStartup> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!await library.EnsureLoadedAsync(configuration, environment.ContentRootPath, cancellationToken))
        {
            logger.LogWarning("No training content folder (content/training) was found; no courses are offered.");
            return;
        }
        logger.LogInformation("Loaded {Count} training courses.", library.Shipped.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
