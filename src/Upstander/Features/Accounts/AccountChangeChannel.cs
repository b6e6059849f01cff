using System.Threading.Channels;
using Npgsql;
using Upstander.Platform.Data;

namespace Upstander.Features.Accounts;

/// <summary>
/// On PostgreSQL, where several Upstander processes may share one database, carries <see cref="AccountChangeNotices"/>
/// between them: each account change this process commits is announced with PostgreSQL's <c>NOTIFY</c>, and every
/// process <c>LISTEN</c>s on one dedicated connection and records the others' changes. A deactivation or a removed
/// role made through one process then ends or narrows the account's sessions in every process on their next request,
/// not at the five-minute stamp check. The announcement carries account ids only.
/// <para>
/// When the channel is down (the listening connection lost, or a pooler in transaction mode that cannot hold a
/// <c>LISTEN</c>), nothing is wrong, only slower: sessions fall back to the five-minute check. The loss is logged once.
/// A connection that had been listening for a while is opened again at once (a failover, a terminated backend); an
/// attempt that fails waits <see cref="Retry"/> on the injected clock before the next.
/// </para>
/// </summary>
public sealed class AccountChangeChannel : BackgroundService
{
    public const string ChannelName = "upstander_account_changes";

    // pg_notify payloads must stay under 8000 bytes: 32 hex digits and a comma per account.
    private const int AccountsPerNotice = 200;
    public static readonly TimeSpan Retry = TimeSpan.FromSeconds(5);

    private readonly Guid _process = Guid.NewGuid();
    private readonly Channel<IReadOnlyCollection<Guid>> _outgoing = Channel.CreateUnbounded<IReadOnlyCollection<Guid>>(new() { SingleReader = true });
    private readonly AccountChangeNotices _notices;
    private readonly string _connection;
    private readonly TimeProvider _clock;
    private readonly ILogger<AccountChangeChannel> _logger;

    public AccountChangeChannel(AccountChangeNotices notices, DatabaseOptions database, TimeProvider clock, ILogger<AccountChangeChannel> logger)
    {
        _notices = notices;
        _clock = clock;
        _connection = database.Connection ?? throw new InvalidOperationException("The account-change channel needs PostgreSQL.");
        _logger = logger;
        notices.ChangedHere += ids => _outgoing.Writer.TryWrite(ids);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), AnnounceAsync(stoppingToken));

    private async Task AnnounceAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var ids in _outgoing.Reader.ReadAllAsync(ct))
            {
                try
                {
                    await using var connection = new NpgsqlConnection(_connection);
                    await connection.OpenAsync(ct);
                    foreach (var chunk in ids.Chunk(AccountsPerNotice))
                    {
                        await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
                        notify.Parameters.AddWithValue("channel", ChannelName);
                        notify.Parameters.AddWithValue("payload", Payload(_process, chunk));
                        await notify.ExecuteNonQueryAsync(ct);
                    }
                    _logger.LogDebug("Announced account changes to other processes: {Count} account(s).", ids.Count);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    // Whatever went wrong, never let it stop the host: announcing is an acceleration, not a duty.
                    _logger.LogWarning("Could not announce an account change to other processes ({Reason}); their sessions learn of it at the five-minute check.", ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        // A connection of its own, outside the pool, held for as long as the process runs.
        var listening = new NpgsqlConnectionStringBuilder(_connection) { Pooling = false, KeepAlive = 30 }.ConnectionString;
        var lost = false;
        while (!ct.IsCancellationRequested)
        {
            DateTimeOffset? listeningSince = null;
            try
            {
                await using var connection = new NpgsqlConnection(listening);
                await connection.OpenAsync(ct);
                connection.Notification += (_, e) => Received(e.Payload);
                await using (var listen = new NpgsqlCommand("LISTEN " + ChannelName, connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }
                listeningSince = _clock.GetUtcNow();
                _logger.LogInformation("Listening for account changes made by other processes.");
                lost = false;
                while (true)
                {
                    await connection.WaitAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // A broken connection surfaces as several exception types; none may stop the host.
                if (!lost)
                {
                    _logger.LogWarning("Not listening for account changes made by other processes ({Reason}); until it is back, sessions here learn of those at the five-minute check.", ex.Message);
                    lost = true;
                }
            }
            // Lost after listening for a while: open again at once. A failed attempt, or a connection dropped as soon as
            // it listened, waits on the clock first, so that a database that is down is not called in a tight loop.
            if (listeningSince is { } since && _clock.GetUtcNow() - since >= Retry)
            {
                continue;
            }
            try
            {
                await Task.Delay(Retry, _clock, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Received(string payload)
    {
        if (Parse(payload) is not { } notice || notice.Process == _process)
        {
            return;
        }
        _notices.ChangedElsewhere(notice.Accounts);
        _logger.LogInformation("Account changes from another process: {Count} account(s).", notice.Accounts.Count);
    }

    /// <summary>"v1:{process}:{account},{account},…", ids as 32 hex digits.</summary>
    public static string Payload(Guid process, IEnumerable<Guid> accounts) =>
        $"v1:{process:N}:{string.Join(',', accounts.Select(a => a.ToString("N")))}";

    /// <summary>The notice in a payload, or null for one that is not Upstander's (anything else is ignored).</summary>
    public static (Guid Process, IReadOnlyList<Guid> Accounts)? Parse(string payload)
    {
        var parts = payload.Split(':');
        if (parts.Length != 3 || parts[0] != "v1" || !Guid.TryParseExact(parts[1], "N", out var process))
        {
            return null;
        }
        var accounts = new List<Guid>();
        foreach (var id in parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Guid.TryParseExact(id, "N", out var account))
            {
                return null;
            }
            accounts.Add(account);
        }
        return accounts.Count == 0 ? null : (process, accounts);
    }
}
