using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Upstander.Tests.TestHost;

/// <summary>
/// Once armed, holds the first <c>parties</c> queries that read the highest value (<c>MAX</c>) of a table (or, with another
/// <c>marker</c>, any query of it whose text holds the marker) until all of them have read it, so that that many writers
/// read the same highest number, or find the same row missing, before any of them saves: the interleaving that makes
/// them race for one number or one row. Later queries pass. Registered as a save interceptor (the one kind the
/// application takes from its services), which, being also a command interceptor, sees every query.
/// </summary>
public sealed class ReadBarrier(string table, int parties = 2, string marker = "max(") : DbCommandInterceptor, ISaveChangesInterceptor
{
    private readonly CommandMatch _match = new(table, marker);
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;
    private volatile bool _armed;

    public void Register(IServiceCollection services) => services.AddSingleton<ISaveChangesInterceptor>(this);

    /// <summary>From now on the next reads are held (set up tokens and pages first).</summary>
    public void Arm() => _armed = true;

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        if (_armed && _match.Matches(command))
        {
            var arrived = Interlocked.Increment(ref _arrived);
            if (arrived <= parties)
            {
                if (arrived == parties)
                {
                    _all.TrySetResult();
                }
                await _all.Task.WaitAsync(TimeSpan.FromMinutes(1), cancellationToken);
            }
        }
        return result;
    }
}
