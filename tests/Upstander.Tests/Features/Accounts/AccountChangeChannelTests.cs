using System.Net;
using Npgsql;
using Upstander.Features.Accounts;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

/// <summary>
/// Two Upstander processes on one PostgreSQL database: an account change committed through one reaches the other's
/// sessions at once (PostgreSQL NOTIFY/LISTEN), not at the five-minute stamp check.
/// </summary>
public sealed class AccountChangeChannelTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_deactivation_made_through_one_process_ends_the_session_in_another_at_once()
    {
        await using var database = TestDatabase.Create(Engine.Postgres);
        await using var first = new UpstanderFactory(Engine.Postgres, database: database);
        var org = await first.CreateOrganisationAsync("Two Process Org");
        var admin = await first.SignInAsync(org[Roles.Admin]);
        await using var second = new UpstanderFactory(Engine.Postgres, database: database);
        var leader = org[Roles.Leader];
        var session = await second.SignInAsync(leader);
        (await session.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await first.Logs.WaitForAsync("Listening for account changes made by other processes.", Bound);
        await second.Logs.WaitForAsync("Listening for account changes made by other processes.", Bound);

        var page = $"/admin/people/{leader.PersonId:D}";
        (await admin.PostFormAsync(page + "?handler=Deactivate", new(), tokenFrom: page)).Headers.Location!.OriginalString
            .ShouldBe(page + "?saved=deactivated");
        await second.Logs.WaitForAsync("Account changes from another process: 1 account(s).", Bound);

        // Well inside the five-minute interval (the second process's clock has not moved): the session ends now.
        var home = await session.GetAsync("/");
        home.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        home.Headers.Location!.AbsolutePath.ShouldBe("/account/sign-in");
        first.Logs.All.ShouldNotContain("Account changes from another process", customMessage: "a process ignores its own announcements");

        // The database drops the listening connections (a restart, a failover): the loss is logged, each process listens
        // again at once (their connections had been listening longer than the retry wait), and the next change arrives.
        first.Clock.Advance(AccountChangeChannel.Retry);
        second.Clock.Advance(AccountChangeChannel.Retry);
        var reconnected = second.Logs.WaitForNextAsync("Listening for account changes made by other processes.", Bound);
        var firstReconnected = first.Logs.WaitForNextAsync("Listening for account changes made by other processes.", Bound);
        await using (var connection = new NpgsqlConnection(database.Connection))
        {
            await connection.OpenAsync();
            await using var terminate = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN " + AccountChangeChannel.ChannelName + "'",
                connection);
            ((long)(await terminate.ExecuteScalarAsync())!).ShouldBe(2, "each process holds one listening connection");
        }
        await second.Logs.WaitForAsync("Not listening for account changes made by other processes", Bound);
        await reconnected;
        await firstReconnected;

        var received = second.Logs.WaitForNextAsync("Account changes from another process: 1 account(s).", Bound);
        (await admin.PostFormAsync(page + "?handler=Reactivate", new(), tokenFrom: page)).Headers.Location!.OriginalString
            .ShouldBe(page + "?saved=reactivated");
        await received;
    }

    [Fact]
    public void An_announcement_carries_account_ids_only_and_anything_else_on_the_channel_is_ignored()
    {
        var process = Guid.NewGuid();
        Guid[] accounts = [Guid.NewGuid(), Guid.NewGuid()];
        var payload = AccountChangeChannel.Payload(process, accounts);

        payload.ShouldBe($"v1:{process:N}:{accounts[0]:N},{accounts[1]:N}");
        var parsed = AccountChangeChannel.Parse(payload).ShouldNotBeNull();
        parsed.Process.ShouldBe(process);
        parsed.Accounts.ShouldBe(accounts);

        AccountChangeChannel.Parse("").ShouldBeNull();
        AccountChangeChannel.Parse("hello").ShouldBeNull();
        AccountChangeChannel.Parse($"v2:{process:N}:{accounts[0]:N}").ShouldBeNull();
        AccountChangeChannel.Parse($"v1:{process:N}:").ShouldBeNull();
        AccountChangeChannel.Parse($"v1:{process:N}:{accounts[0]:N},not-an-id").ShouldBeNull();
        AccountChangeChannel.Parse($"v1:not-a-process:{accounts[0]:N}").ShouldBeNull();
    }
}
