using System.Collections.Concurrent;
using System.Threading.Channels;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.People;

/// <summary>
/// A checked file waiting for the admin to choose how to import it.
/// </summary>
/// <remarks>
/// Held in this process's memory, never on disk: the rows are people's names and contact details, and
/// the only copy that should outlive the request is the one in the directory itself. Keeping parsed rows
/// (rather than sealing the file into a table) costs nothing to clean up, disappears on restart, and
/// expires after <see cref="PeopleImportJobs.UploadLifetime"/>; the price is that an admin whose upload
/// expired, or whose next request reaches another server, uploads the file again.
/// </remarks>
public sealed class PendingUpload(Guid id, Guid organisationId, Guid? accountId, string fileName, PeopleFile file, ImportCheck check, DateTimeOffset expiresAt)
{
    public Guid Id { get; } = id;
    public Guid OrganisationId { get; } = organisationId;
    public Guid? AccountId { get; } = accountId;
    public string FileName { get; } = fileName;
    public PeopleFile File { get; } = file;
    public ImportCheck Check { get; } = check;
    public DateTimeOffset ExpiresAt { get; } = expiresAt;
}

public enum ImportJobStatus
{
    Queued,
    Running,
    Finished,
    Refused,
    Failed,
}

/// <summary>One import running in the background, with progress the progress page reads.</summary>
public sealed class ImportJob
{
    private readonly TaskCompletionSource<ImportJob> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _processed;
    private int _total;

    internal ImportJob(Guid organisationId, ImportActor actor, string fileName, PeopleFile file, ImportMode mode, int expectedRows)
    {
        OrganisationId = organisationId;
        Actor = actor;
        FileName = fileName;
        File = file;
        Mode = mode;
        _total = expectedRows;
    }

    public Guid Id { get; } = Guid.NewGuid();
    public Guid OrganisationId { get; }
    public ImportActor Actor { get; }
    public string FileName { get; }
    public ImportMode Mode { get; }
    public ImportJobStatus Status { get; private set; } = ImportJobStatus.Queued;
    public int Processed => Volatile.Read(ref _processed);
    public int Total => Volatile.Read(ref _total);
    public ImportOutcome? Outcome { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }

    /// <summary>The rows, until the job has run; dropped afterwards so people's data is not kept longer than needed.</summary>
    internal PeopleFile? File { get; private set; }

    public bool IsDone => Status is ImportJobStatus.Finished or ImportJobStatus.Refused or ImportJobStatus.Failed;

    /// <summary>Completes when the job has finished, whatever the result.</summary>
    public Task<ImportJob> Completion => _completion.Task;

    internal void Start() => Status = ImportJobStatus.Running;

    internal void Report(int processed, int total)
    {
        Volatile.Write(ref _total, total);
        Volatile.Write(ref _processed, processed);
    }

    internal void Finish(ImportOutcome? outcome, ImportJobStatus status, DateTimeOffset now)
    {
        Outcome = outcome;
        Status = status;
        FinishedAt = now;
        File = null;
        _completion.TrySetResult(this);
    }
}

/// <summary>
/// Keeps checked uploads until the admin decides, and runs imports one at a time in the background so a
/// 50,000-row file neither holds a request open nor competes with another import for the database.
/// Progress lives in memory: it matters only while someone is watching the progress page.
/// </summary>
public sealed class PeopleImportJobs(IServiceScopeFactory scopes, TimeProvider clock, ILogger<PeopleImportJobs> logger) : BackgroundService
{
    public static readonly TimeSpan UploadLifetime = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan JobLifetime = TimeSpan.FromHours(2);
    public const int MaxPendingUploads = 20;

    private readonly Channel<ImportJob> _queue = Channel.CreateUnbounded<ImportJob>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Guid, PendingUpload> _uploads = new();
    private readonly ConcurrentDictionary<Guid, ImportJob> _jobs = new();

    public PendingUpload Keep(Guid organisationId, Guid? accountId, string fileName, PeopleFile file, ImportCheck check)
    {
        Sweep();
        // A bound on memory: the oldest waiting uploads give way to new ones.
        foreach (var old in _uploads.Values.OrderBy(u => u.ExpiresAt).Take(Math.Max(0, _uploads.Count - MaxPendingUploads + 1)))
        {
            _uploads.TryRemove(old.Id, out _);
        }
        var upload = new PendingUpload(Guid.NewGuid(), organisationId, accountId, fileName, file, check, clock.GetUtcNow() + UploadLifetime);
        _uploads[upload.Id] = upload;
        return upload;
    }

    /// <summary>An upload, only for the organisation and account that made it.</summary>
    public PendingUpload? Upload(Guid id, Guid organisationId, Guid? accountId)
    {
        Sweep();
        return _uploads.TryGetValue(id, out var upload) && upload.OrganisationId == organisationId && upload.AccountId == accountId ? upload : null;
    }

    /// <summary>Queues the upload's import and forgets the upload: each upload is imported at most once.</summary>
    public ImportJob? Start(PendingUpload upload, ImportMode mode, ImportActor actor)
    {
        if (!_uploads.TryRemove(upload.Id, out _))
        {
            return null;
        }
        return Enqueue(upload.OrganisationId, actor, upload.FileName, upload.File, mode, upload.Check.RowsToImport(mode).Count);
    }

    public ImportJob Enqueue(Guid organisationId, ImportActor actor, string fileName, PeopleFile file, ImportMode mode, int expectedRows)
    {
        Sweep();
        var job = new ImportJob(organisationId, actor, fileName, file, mode, expectedRows);
        _jobs[job.Id] = job;
        if (!_queue.Writer.TryWrite(job))
        {
            throw new InvalidOperationException("The import queue is closed: the server is stopping.");
        }
        return job;
    }

    public ImportJob? Job(Guid id, Guid organisationId) =>
        _jobs.TryGetValue(id, out var job) && job.OrganisationId == organisationId ? job : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var job in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            await RunAsync(job, stoppingToken);
        }
    }

    private async Task RunAsync(ImportJob job, CancellationToken ct)
    {
        job.Start();
        var started = clock.GetTimestamp();
        try
        {
            using var scope = scopes.CreateScope();
            scope.ServiceProvider.GetRequiredService<OrganisationScope>().Enter(job.OrganisationId);
            scope.ServiceProvider.GetRequiredService<CurrentActor>().ActAsSystem();
            var importer = scope.ServiceProvider.GetRequiredService<PeopleImporter>();
            var outcome = await importer.ImportAsync(job.File!, job.Mode, job.Actor, job.Report, ct);
            job.Finish(outcome, outcome.Applied ? ImportJobStatus.Finished : ImportJobStatus.Refused, clock.GetUtcNow());
            // Counts and time only: nothing about the people in the file.
            logger.LogInformation("People import {JobId} {Status}: {Rows} rows in {Milliseconds} ms.",
                job.Id, job.Status, job.Total, (long)clock.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex)
        {
            // The exception's type only: database messages can quote the values that clashed.
            logger.LogError("People import {JobId} failed with {ExceptionType}; the transaction was rolled back.", job.Id, ex.GetType().Name);
            job.Finish(null, ImportJobStatus.Failed, clock.GetUtcNow());
        }
    }

    private void Sweep()
    {
        var now = clock.GetUtcNow();
        foreach (var (id, upload) in _uploads)
        {
            if (upload.ExpiresAt <= now)
            {
                _uploads.TryRemove(id, out _);
            }
        }
        foreach (var (id, job) in _jobs)
        {
            if (job.FinishedAt is { } finished && finished + JobLifetime <= now)
            {
                _jobs.TryRemove(id, out _);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }
}
