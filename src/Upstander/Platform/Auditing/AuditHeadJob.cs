using Upstander.Platform.Data;
using Upstander.Platform.Jobs;

namespace Upstander.Platform.Auditing;

/// <summary>
/// Logs the audit chain's head ("Audit head sequence:hash") at start and every hour. The host's log lives outside
/// the database, so it keeps anchors for <c>audit verify --anchor</c> without anyone having to: a chain whose newest
/// rows were removed no longer passes through them. The line carries no event's content (the hash is an HMAC).
/// </summary>
public sealed class AuditHeadJob(IServiceScopeFactory scopes, TimeProvider clock, ILogger<AuditHeadJob> logger) : PeriodicJob(clock, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromHours(1);

    public override async Task RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (await AuditChain.HeadAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>().AuditEvents, ct) is { } head)
        {
            logger.LogInformation("Audit head {Anchor}", head.ToString());
        }
    }
}
