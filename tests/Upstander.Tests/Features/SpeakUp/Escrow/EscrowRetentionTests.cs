using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Cases;
using Upstander.Features.SpeakUp.Escrow;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.SpeakUp.Escrow.EscrowFlowTests;

namespace Upstander.Tests.Features.SpeakUp.Escrow;

/// <summary>
/// A released escrow report's content goes with retention everywhere it was kept: the entry it was made from keeps its
/// envelope, which the reviewers' key in the process would open again (the account, the reporter's id, the person named).
/// </summary>
public sealed class EscrowRetentionTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Retention_erases_the_envelopes_of_released_entries_and_a_later_entry_about_the_same_person_starts_again(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["SpeakUp:RetentionDays"] = "30" });
        var org = await factory.CreateOrganisationAsync("Escrow Retention");
        var named = org[Roles.Coordinator].PersonId;
        var first = await SignInAsync(factory, org[Roles.Employee]);
        var second = await SignInAsync(factory, org[Roles.PeerSupporter]);
        var (replayed, _) = MakeEntry(factory, org.Id, first.Account.PersonId, named, 2, "The first account");
        (await StatusOfAsync(await PostAsync(first, replayed))).ShouldBe("held");
        (await SubmitAsync(factory, org.Id, second, named, 2, "The second account")).ShouldBe("released");
        var released = await EntriesAsync(factory, org.Id);
        released.Count.ShouldBe(2);
        released.ShouldAllBe(e => e.IsReleased && e.Sealed.Length > 0);

        await CloseAllAsync(factory, org);
        factory.Clock.Advance(TimeSpan.FromDays(31));
        (await CaseRetention.RunEverywhereAsync(factory.Services.GetRequiredService<IServiceScopeFactory>(), CancellationToken.None)).Total.Reports.ShouldBe(2);

        var erased = await EntriesAsync(factory, org.Id);
        erased.Count.ShouldBe(2, "a tombstone stays: released, with its report and withdrawal hash");
        erased.ShouldAllBe(e => e.IsReleased && e.ReportId != null && e.Sealed.Length == 0 && e.MatchIndex.Length == 0);
        var raw = engine == Engine.Sqlite ? Canary.SqliteBytes(factory.Database) : await Canary.PostgresDumpAsync(factory.Database);
        foreach (var entry in released)
        {
            Kept(raw, entry.Sealed.AsSpan(1, 65).ToArray()).ShouldBeFalse("the envelope (its ephemeral key) is still in the database");
            Kept(raw, entry.MatchIndex).ShouldBeFalse("the index that ties the report to the person named is still in the database");
        }

        // The same upload sent again is refused as a repeat: it is never released a second time.
        first = await SignInAsync(factory, org[Roles.Employee]); // the session from a month ago has expired
        (await PostAsync(first, replayed)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        // A new entry about the same person neither opens with the erased ones nor fails: it waits for t distinct
        // reporters among the entries still kept, and then releases as any group does.
        var third = await SignInAsync(factory, org[Roles.Leader]);
        (await SubmitAsync(factory, org.Id, third, named, 2, "A third account, after retention")).ShouldBe("held");
        (await ReportsAsync(factory, org.Id)).Count.ShouldBe(2);
        (await SubmitAsync(factory, org.Id, first, named, 2, "The first reporter again")).ShouldBe("released");
        var reports = await ReportsAsync(factory, org.Id);
        reports.Count.ShouldBe(4);
        reports.Count(r => r.ContentErasedAt is null && r.AccountSealed != null).ShouldBe(2);
    }

    /// <summary>Acknowledges and closes every report, as a case manager would.</summary>
    private static Task CloseAllAsync(UpstanderFactory factory, TestOrganisation org) => factory.InScopeAsync(org.Id, async s =>
    {
        var work = s.GetRequiredService<CaseWork>();
        var me = org[Roles.CaseManager].PersonId;
        foreach (var report in await s.GetRequiredService<AppDbContext>().Set<ReportRecord>().ToListAsync())
        {
            await work.MoveAsync(report, ReportStatus.Acknowledged, "received-and-read", me, null, CancellationToken.None);
            await work.MoveAsync(report, ReportStatus.Closed, "outcome-shared", me, "We have finished.", CancellationToken.None);
        }
    });

    /// <summary>Whether the bytes are in a SQLite file as they are, or in a plain pg_dump as bytea's hex.</summary>
    private static bool Kept(byte[] raw, byte[] value) =>
        raw.AsSpan().IndexOf(value) >= 0 || Canary.Contains(raw, Convert.ToHexStringLower(value));
}
