using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Upstander.Tests.TestHost;

/// <summary>Every log line the application writes, at every level, exactly as a log sink would receive it.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];
    private readonly Lock _gate = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public string All => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    /// <summary>
    /// Completes when a line containing <paramref name="text"/> has been written (already, or when it is), woken by
    /// the write itself; fails after <paramref name="timeout"/> if none is.
    /// </summary>
    public Task WaitForAsync(string text, TimeSpan timeout) => WaitAsync(text, timeout, alreadyWritten: true);

    /// <summary>As <see cref="WaitForAsync"/>, but only a line written after this call counts.</summary>
    public Task WaitForNextAsync(string text, TimeSpan timeout) => WaitAsync(text, timeout, alreadyWritten: false);

    private async Task WaitAsync(string text, TimeSpan timeout, bool alreadyWritten)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (alreadyWritten && _lines.Any(line => line.Contains(text, StringComparison.Ordinal)))
            {
                return;
            }
            _waiters.Add((text, seen));
        }
        try
        {
            await seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new ShouldAssertException($"No log line containing \"{text}\" within {timeout}.");
        }
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            _lines.Enqueue(line);
            foreach (var waiter in _waiters.Where(w => line.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Seen.TrySetResult();
            }
        }
    }

    public void Dispose()
    {
    }

    private sealed class Logger(string category, CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            logs.Write($"{logLevel} {category} {formatter(state, exception)} {structured} {exception}");
        }
    }
}
