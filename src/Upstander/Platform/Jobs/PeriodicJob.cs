using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;

namespace Upstander.Platform.Jobs;

/// <summary>
/// Background work that runs a pass every <see cref="Interval"/> on the injected clock (and, when
/// <see cref="RunAtStart"/>, once at start, and whenever <see cref="Woken"/> completes). A failed pass is logged by
/// exception type only (database messages can quote values) and the next interval runs again; stopping the app ends
/// the loop quietly.
/// </summary>
public abstract class PeriodicJob(TimeProvider clock, ILogger logger) : BackgroundService
{
    protected abstract TimeSpan Interval { get; }

    /// <summary>The clock the timer runs on, for passes that need the time.</summary>
    protected TimeProvider Clock { get; } = clock;

    protected virtual bool RunAtStart => true;

    /// <summary>What the failure line calls this job; a job class that runs several kinds of work says which.</summary>
    protected virtual string Name => GetType().Name;

    /// <summary>
    /// For work that can arrive between ticks: a task that completes when it does, read before each pass so that
    /// work arriving during the pass runs another at once. Null (the default) runs on the timer alone.
    /// </summary>
    protected virtual Task? Woken => null;

    /// <summary>One pass. Public so tests and verbs can run exactly what the timer runs.</summary>
    public abstract Task RunOnceAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, Clock);
        try
        {
            var woken = Woken;
            if (RunAtStart)
            {
                await PassAsync(stoppingToken);
            }
            // A tick that is still pending when a wake comes first is kept: the timer allows one waiter at a time.
            Task<bool>? tick = null;
            while (true)
            {
                tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
                if ((woken is null ? tick : await Task.WhenAny(tick, woken)) == tick)
                {
                    if (!await tick)
                    {
                        return;
                    }
                    tick = null;
                }
                woken = Woken;
                await PassAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task PassAsync(CancellationToken ct)
    {
        try
        {
            await RunOnceAsync(ct);
        }
        catch (OrganisationsFailedException ex)
        {
            logger.LogError("{Job}: {Failures} It runs again at the next interval.", Name, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError("{Job} failed with {ExceptionType}; it runs again at the next interval.", Name, ex.GetType().Name);
        }
    }
}

/// <summary>Runs work for each organisation in a scope of its own, entered into the organisation and acting as the system.</summary>
public static class EveryOrganisation
{
    /// <summary>Every organisation on the installation.</summary>
    public static async Task<List<Guid>> IdsAsync(IServiceScopeFactory scopes, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Organisations.IgnoreQueryFilters().Select(o => o.Id).ToListAsync(ct);
    }

    public static async Task<T> InScopeAsync<T>(IServiceScopeFactory scopes, Guid organisationId, Func<IServiceProvider, Task<T>> work)
    {
        using var scope = scopes.CreateScope();
        scope.ServiceProvider.GetRequiredService<OrganisationScope>().Enter(organisationId);
        scope.ServiceProvider.GetRequiredService<CurrentActor>().ActAsSystem();
        return await work(scope.ServiceProvider);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in each of <paramref name="organisations"/> in turn. One that fails is logged as
    /// "{what} for organisation … failed" with the exception's type only (database messages can quote values) and does
    /// not stop the others.
    /// </summary>
    public static async Task EachAsync(IServiceScopeFactory scopes, IEnumerable<Guid> organisations, Func<IServiceProvider, Task> work, ILogger logger, string what)
    {
        foreach (var organisationId in organisations)
        {
            try
            {
                await InScopeAsync(scopes, organisationId, async s => { await work(s); return true; });
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError("{Work} for organisation {OrganisationId} failed with {ExceptionType}.", what, organisationId, ex.GetType().Name);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="pass"/> in every organisation and adds up what each returns. One that fails does not stop
    /// the others (leavers elsewhere are still stopped, content elsewhere still removed on time): the sum is of those that
    /// ran, and names those that failed, so that the job logs both and the verb prints both and exits 1.
    /// </summary>
    public static async Task<OrganisationsSum<T>> SumAsync<T>(IServiceScopeFactory scopes, Func<IServiceProvider, Task<T>> pass, Func<T, T, T> add, T none, CancellationToken ct)
    {
        var total = none;
        var failures = new List<(Guid, string)>();
        foreach (var organisationId in await IdsAsync(scopes, ct))
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                total = add(total, await InScopeAsync(scopes, organisationId, pass));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add((organisationId, ex.GetType().Name));
            }
        }
        return new(total, failures);
    }
}

/// <summary>What a pass over every organisation added up, over those whose part ran, and those whose part failed.</summary>
public sealed record OrganisationsSum<T>(T Total, IReadOnlyList<(Guid Organisation, string ExceptionType)> Failures)
{
    /// <summary>Throws <see cref="OrganisationsFailedException"/> naming the failed ones, if any; call it once the total is reported.</summary>
    public void ThrowIfAnyFailed() => OrganisationsFailedException.ThrowIfAny(Failures);
}

/// <summary>
/// Some organisations' part of a pass failed, after every organisation's ran. The message names each with its exception's
/// type only (database messages can quote values).
/// </summary>
public sealed class OrganisationsFailedException(IReadOnlyList<(Guid Organisation, string ExceptionType)> failures)
    : InvalidOperationException(Describe(failures))
{
    public IReadOnlyList<(Guid Organisation, string ExceptionType)> Failures => failures;

    /// <summary>The line that names the failed organisations (the exception's message, and what <c>retention run</c> prints).</summary>
    public static string Describe(IReadOnlyList<(Guid Organisation, string ExceptionType)> failures) =>
        $"Failed for {failures.Count} organisation(s), the others ran: " + string.Join(", ", failures.Select(f => $"{f.Organisation} ({f.ExceptionType})")) + ".";

    public static void ThrowIfAny(IReadOnlyList<(Guid Organisation, string ExceptionType)> failures)
    {
        if (failures.Count > 0)
        {
            throw new OrganisationsFailedException(failures);
        }
    }
}
