using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Upstander.Tests.TestHost;

/// <summary>
/// Once armed, makes the first command of a table whose text holds the marker fail before it runs, as a database that
/// refuses or a process that stops there would: what came before it in the same work has run, nothing after it does.
/// Later commands pass. Registered as a save interceptor, as <see cref="QueryGate"/>.
/// </summary>
public sealed class CommandFailure(string table, string marker) : DbCommandInterceptor, ISaveChangesInterceptor
{
    private readonly CommandMatch _match = new(table, marker);
    private int _failed;
    private volatile bool _armed;

    public void Register(IServiceCollection services) => services.AddSingleton<ISaveChangesInterceptor>(this);

    /// <summary>From now on the next matching command fails.</summary>
    public void Arm() => _armed = true;

    /// <summary>Whether a command failed here.</summary>
    public bool Failed => Volatile.Read(ref _failed) == 1;

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Fail(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Fail(command);
        return ValueTask.FromResult(result);
    }

    private void Fail(DbCommand command)
    {
        if (_armed && _match.Matches(command) && Interlocked.Exchange(ref _failed, 1) == 0)
        {
            throw new InvalidOperationException($"The test made this command fail: {command.CommandText}");
        }
    }
}
