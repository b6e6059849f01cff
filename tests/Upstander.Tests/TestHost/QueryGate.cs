using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Upstander.Tests.TestHost;

/// <summary>
/// Once armed, holds the first query of a table whose text holds the marker, once it has read, until <see cref="Open"/>:
/// the test knows the work has got that far (<see cref="ReachedAsync"/>) and does something else meanwhile, so that one
/// order of two pieces of work is forced. Later queries pass. Registered as a save interceptor, as <see cref="ReadBarrier"/>.
/// </summary>
public sealed class QueryGate(string table, string marker) : DbCommandInterceptor, ISaveChangesInterceptor
{
    private readonly CommandMatch _match = new(table, marker);
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _taken;
    private volatile bool _armed;

    public void Register(IServiceCollection services) => services.AddSingleton<ISaveChangesInterceptor>(this);

    /// <summary>From now on the next matching query is held.</summary>
    public void Arm() => _armed = true;

    /// <summary>Completes once the held query has read; fails after a minute otherwise.</summary>
    public Task ReachedAsync() => _reached.Task.WaitAsync(TimeSpan.FromMinutes(1));

    /// <summary>Lets the held query, and everything after it, go on.</summary>
    public void Open() => _open.TrySetResult();

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        if (_armed && _match.Matches(command)
            && Interlocked.Exchange(ref _taken, 1) == 0)
        {
            _reached.TrySetResult();
            await _open.Task.WaitAsync(TimeSpan.FromMinutes(1), cancellationToken);
        }
        return result;
    }
}
