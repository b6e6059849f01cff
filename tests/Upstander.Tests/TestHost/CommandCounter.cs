using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Upstander.Tests.TestHost;

/// <summary>
/// Counts the queries of a table whose text holds the marker, from <see cref="Start"/> on: how often one request reads
/// the same thing. Registered as a save interceptor, as <see cref="ReadBarrier"/>, so that it sees every query.
/// </summary>
public sealed class CommandCounter(string table, string marker) : DbCommandInterceptor, ISaveChangesInterceptor
{
    private readonly CommandMatch _match = new(table, marker);
    private int _count;
    private volatile bool _counting;

    public void Register(IServiceCollection services) => services.AddSingleton<ISaveChangesInterceptor>(this);

    /// <summary>Counts from zero from now on.</summary>
    public void Start()
    {
        Interlocked.Exchange(ref _count, 0);
        _counting = true;
    }

    public int Count => Volatile.Read(ref _count);

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Counted(command);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Counted(command);
        return ValueTask.FromResult(result);
    }

    private void Counted(DbCommand command)
    {
        if (_counting && _match.Matches(command))
        {
            Interlocked.Increment(ref _count);
        }
    }
}
