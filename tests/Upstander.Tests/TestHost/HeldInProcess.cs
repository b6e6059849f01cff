using Microsoft.Extensions.DependencyInjection;
using Upstander.Platform.Data;

namespace Upstander.Tests.TestHost;

/// <summary>
/// An <see cref="ExclusiveLocks"/> section held inside one test host, as another request of the same process holds it
/// (on either engine), and a way to start work that must wait for it: <see cref="StartWaitingAsync{T}"/> completes once
/// the work is waiting (the host logs it just before), and fails at once if the work finishes without waiting.
/// </summary>
public sealed class HeldInProcess : IAsyncDisposable
{
    private readonly UpstanderFactory _host;
    private readonly AsyncServiceScope _scope;
    private readonly IAsyncDisposable _held;
    private readonly string _line;
    private bool _released;

    private HeldInProcess(UpstanderFactory host, AsyncServiceScope scope, IAsyncDisposable held, string section, Guid organisationId) =>
        (_host, _scope, _held, _line) = (host, scope, held, Line(section, organisationId));

    public static async Task<HeldInProcess> TakeAsync(UpstanderFactory host, string section, Guid organisationId)
    {
        var scope = host.Services.CreateAsyncScope();
        var held = await host.Services.GetRequiredService<ExclusiveLocks>()
            .EnterAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), section, organisationId, CancellationToken.None);
        return new HeldInProcess(host, scope, held, section, organisationId);
    }

    /// <summary>Starts <paramref name="work"/> and returns it once it waits for the section.</summary>
    public Task<Task<T>> StartWaitingAsync<T>(Func<Task<T>> work) => StartWaitingAsync(_host, _line, work);

    /// <summary>
    /// Starts <paramref name="work"/> and returns it once it waits for the section, held by other work of the same host
    /// (paused by the test inside it); fails at once if the work finishes without waiting.
    /// </summary>
    public static Task<Task<T>> StartWaitingAsync<T>(UpstanderFactory host, string section, Guid organisationId, Func<Task<T>> work) =>
        StartWaitingAsync(host, Line(section, organisationId), work);

    /// <summary>
    /// Starts <paramref name="first"/> and holds it at the gate (inside the section), starts <paramref name="second"/> and
    /// sees it wait for the section, then lets both go on: the second goes only once the first has left the section.
    /// </summary>
    public static async Task<(TFirst, TSecond)> SecondWaitsForFirstAsync<TFirst, TSecond>(
        UpstanderFactory host, string section, Guid organisationId, QueryGate gate, Func<Task<TFirst>> first, Func<Task<TSecond>> second)
    {
        gate.Arm();
        var running = Task.Run(first);
        await gate.ReachedAsync();
        var waiting = await StartWaitingAsync(host, section, organisationId, second);
        gate.Open();
        return (await running, await waiting);
    }

    private static async Task<Task<T>> StartWaitingAsync<T>(UpstanderFactory host, string line, Func<Task<T>> work)
    {
        var waiting = host.Logs.WaitForNextAsync(line, TimeSpan.FromMinutes(1));
        var running = Task.Run(work);
        if (await Task.WhenAny(waiting, running) == running)
        {
            await running;
            throw new ShouldAssertException("The work finished without waiting for the section.");
        }
        await waiting;
        return running;
    }

    private static string Line(string section, Guid organisationId) => $"Section {section} of organisation {organisationId} is held in this process";

    /// <summary>Ends the section: the waiters go on, one at a time.</summary>
    public async Task ReleaseAsync()
    {
        if (!_released)
        {
            _released = true;
            await _held.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ReleaseAsync();
        await _scope.DisposeAsync();
    }
}
