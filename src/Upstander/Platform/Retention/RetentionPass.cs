using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;

namespace Upstander.Platform.Retention;

/// <summary>
/// What one pass removed: whether anything, and one line of counts (never content), over the organisations whose part
/// ran; and the organisations whose part failed.
/// </summary>
public sealed record RetentionOutcome(bool Removed, string Summary)
{
    public IReadOnlyList<(Guid Organisation, string ExceptionType)> Failures { get; init; } = [];

    public string? FailureMessage => Failures.Count == 0 ? null : Jobs.OrganisationsFailedException.Describe(Failures);
}

public static class RetentionOutcomes
{
    /// <summary>The outcome of a pass over every organisation: what those that ran removed, and those that failed.</summary>
    public static async Task<RetentionOutcome> DescribedAs<T>(this Task<Jobs.OrganisationsSum<T>> sum, Func<T, RetentionOutcome> describe)
    {
        var result = await sum;
        return describe(result.Total) with { Failures = result.Failures };
    }
}

/// <summary>
/// One kind of content that is removed once past its retention time. Each feature that keeps such content registers
/// one with <see cref="RetentionServices.AddRetentionPass"/>, which also starts a <see cref="RetentionJob"/> for it
/// on the feature's own interval; the <c>retention run</c> verb runs every pass at once.
/// </summary>
public sealed class RetentionPass(
    string name, Func<IServiceProvider, TimeSpan> interval, Func<IServiceScopeFactory, CancellationToken, Task<RetentionOutcome>> runEverywhere)
{
    /// <summary>What the pass removes, for the line a failed run logs.</summary>
    public string Name => name;

    /// <summary>How often the background job runs the pass (read from the feature's settings; at least a minute).</summary>
    public TimeSpan IntervalFrom(IServiceProvider services) => TimeSpan.FromMinutes(Math.Max(1, interval(services).TotalMinutes));

    /// <summary>Runs the pass in every organisation, acting as the system.</summary>
    public Task<RetentionOutcome> RunEverywhereAsync(IServiceScopeFactory scopes, CancellationToken ct) => runEverywhere(scopes, ct);
}

public static class RetentionServices
{
    public static IServiceCollection AddRetentionPass(
        this IServiceCollection services, string name, Func<IServiceProvider, TimeSpan> interval,
        Func<IServiceScopeFactory, CancellationToken, Task<RetentionOutcome>> runEverywhere)
    {
        var pass = new RetentionPass(name, interval, runEverywhere);
        services.AddSingleton(pass);
        services.AddSingleton<IHostedService>(provider => ActivatorUtilities.CreateInstance<RetentionJob>(provider, pass));
        return services;
    }
}

/// <summary>Runs one retention pass at start and then on its interval, on the injected clock; logs counts when it removed something.</summary>
public sealed class RetentionJob(RetentionPass pass, IServiceProvider services, IServiceScopeFactory scopes, TimeProvider clock, ILogger<RetentionJob> logger)
    : Jobs.PeriodicJob(clock, logger)
{
    /// <summary>The pass this job runs.</summary>
    public RetentionPass Pass => pass;

    protected override TimeSpan Interval => pass.IntervalFrom(services);

    protected override string Name => $"Retention of {pass.Name}";

    public override async Task RunOnceAsync(CancellationToken ct)
    {
        var outcome = await pass.RunEverywhereAsync(scopes, ct);
        if (outcome.Removed)
        {
            logger.LogInformation("{Summary}", outcome.Summary);
        }
        Jobs.OrganisationsFailedException.ThrowIfAny(outcome.Failures);
    }
}

/// <summary>What every retention pass does to the storage after deleting rows.</summary>
public static class RetentionStorage
{
    /// <summary>
    /// On SQLite, secure_delete zeroes freed space in the pages it rewrites; the checkpoint carries those pages into
    /// the database file and empties the write-ahead log, which still held the earlier copies of the rows.
    /// PostgreSQL's own vacuum reclaims dead rows; nothing is needed there.
    /// </summary>
    public static Task ReclaimAsync(AppDbContext db, CancellationToken ct) =>
        db.Database.IsSqlite() ? db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", ct) : Task.CompletedTask;
}

/// <summary>The <c>retention run</c> verb: one pass of every registered kind over every organisation, printing counts only.</summary>
internal static class RetentionCli
{
    public static void Add(RootCommand root, Func<ParseResult, Func<IServiceProvider, Task<int>>, bool, Task<int>> inScope, TextWriter output, TextWriter error)
    {
        var retention = new Command("retention", "Retention verbs.");
        var run = new Command("run", "Remove everything kept past its retention time (conversations', requests' and closed reports' content, the records of sent mail, ended password links, escrow entries held too long, the bytes of evidence files an erase left on disk), in every organisation; prints counts only.");
        run.SetAction((parse, ct) => inScope(parse, async services =>
        {
            var scopes = services.GetRequiredService<IServiceScopeFactory>();
            var exit = 0;
            foreach (var pass in services.GetServices<RetentionPass>())
            {
                var outcome = await pass.RunEverywhereAsync(scopes, ct);
                await output.WriteLineAsync(outcome.Summary);
                if (outcome.FailureMessage is { } failed)
                {
                    // The other organisations, and the other passes, still ran.
                    await error.WriteLineAsync($"Retention of {pass.Name}: {failed}");
                    exit = 1;
                }
            }
            return exit;
        }, true));
        retention.Subcommands.Add(run);
        root.Subcommands.Add(retention);
    }
}
