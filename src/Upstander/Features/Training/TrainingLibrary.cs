using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform;
using Upstander.Platform.Data;

namespace Upstander.Features.Training;

public sealed record PublishedCourse(Guid VersionId, Course Course);

/// <summary>
/// The courses on offer now (the content loaded at start-up), and every stored version learners
/// may still be part-way through. Singleton; versions are read from the database once and cached.
/// </summary>
public sealed class TrainingLibrary(IServiceScopeFactory scopes, TimeProvider clock)
{
    private readonly ConcurrentDictionary<Guid, Course> _versions = new();
    private IReadOnlyList<PublishedCourse> _current = [];

    public IReadOnlyList<PublishedCourse> Current => _current;

    public PublishedCourse? CurrentCourse(string slug) => _current.FirstOrDefault(c => c.Course.Slug == slug);

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
                .Where(v => v.Slug == candidate.Slug && v.ContentHash == candidate.ContentHash)
                .Select(v => (Guid?)v.Id)
                .FirstOrDefaultAsync(ct);
            if (existing is null)
            {
                db.Set<CourseVersion>().Add(candidate);
                await db.SaveChangesAsync(ct);
            }
            var id = existing ?? candidate.Id;
            _versions[id] = course;
            published.Add(new PublishedCourse(id, course));
        }
        _current = published;
    }

    /// <summary>The content of a stored version (the one a learner started).</summary>
    public async Task<Course?> VersionAsync(AppDbContext db, Guid versionId, CancellationToken ct)
    {
        if (_versions.TryGetValue(versionId, out var cached))
        {
            return cached;
        }
        var row = await db.Set<CourseVersion>().AsNoTracking().SingleOrDefaultAsync(v => v.Id == versionId, ct);
        return row is null ? null : _versions.GetOrAdd(versionId, row.Read());
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
        var folder = TrainingLibrary.ContentFolder(configuration, environment.ContentRootPath);
        if (folder is null)
        {
            logger.LogWarning("No training content folder (content/training) was found; no courses are offered.");
            return;
        }
        await library.LoadAsync(folder, cancellationToken);
        logger.LogInformation("Loaded {Count} training courses.", library.Current.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
