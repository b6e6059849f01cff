using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Cases;
using Upstander.Features.SpeakUp.Escrow;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Data;
using Upstander.Platform.Retention;
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
        (await SubmitAsync(factory, org.Id, second, named, 2, "The second account")).ShouldBe("held");
        await JudgeAsync(factory);
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
        (await SubmitAsync(factory, org.Id, first, named, 2, "The first reporter again")).ShouldBe("held");
        await JudgeAsync(factory);
        var reports = await ReportsAsync(factory, org.Id);
        reports.Count.ShouldBe(4);
        reports.Count(r => r.ContentErasedAt is null && r.AccountSealed != null).ShouldBe(2);
    }

    /// <summary>
    /// An entry that waits longer than Escrow:HeldMonths is deleted, row and all: its envelope is gone from the database,
    /// its withdrawal code no longer works, and a later entry about the same person waits for t distinct reporters again.
    /// A younger held entry and released entries stay. The page says how long the wait lasts.
    /// </summary>
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_held_entry_not_released_within_the_held_months_is_deleted_and_a_later_one_about_the_same_person_waits_again(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Escrow:HeldMonths"] = "12" });
        var org = await factory.CreateOrganisationAsync("Escrow Expiry");
        var named = org[Roles.Coordinator].PersonId;
        var waiting = await SignInAsync(factory, org[Roles.Employee]);
        (await waiting.Client.GetStringAsync("/speak-up/escrow")).ShouldContain("has not opened after 12 months is deleted");
        var (old, oldCode) = MakeEntry(factory, org.Id, waiting.Account.PersonId, named, 2, "The oldest account");
        (await StatusOfAsync(await PostAsync(waiting, old))).ShouldBe("held");
        var researcher = org[Roles.Researcher].PersonId;
        (await SubmitAsync(factory, org.Id, await SignInAsync(factory, org[Roles.PeerSupporter]), researcher, 2, "first of a pair")).ShouldBe("held");
        (await SubmitAsync(factory, org.Id, await SignInAsync(factory, org[Roles.Leader]), researcher, 2, "second of a pair")).ShouldBe("held");
        await JudgeAsync(factory);
        var sealedOld = (await EntriesAsync(factory, org.Id)).Single(e => !e.IsReleased).Sealed;

        factory.Clock.Advance(TimeSpan.FromDays(200));
        (await SubmitAsync(factory, org.Id, await SignInAsync(factory, org[Roles.Admin]), org[Roles.Leader].PersonId, 2, "younger")).ShouldBe("held");
        factory.Clock.Advance(TimeSpan.FromDays(170));
        var pass = factory.Services.GetServices<RetentionPass>().Single(p => p.Name == "held escrow entries");
        var outcome = await pass.RunEverywhereAsync(factory.Services.GetRequiredService<IServiceScopeFactory>(), CancellationToken.None);
        outcome.Failures.ShouldBeEmpty();
        outcome.Summary.ShouldBe("Deleted 1 held escrow entries that were not released within 12 months.");

        var entries = await EntriesAsync(factory, org.Id);
        entries.Count.ShouldBe(3, "the younger held entry and the released pair stay");
        entries.Count(e => e.IsReleased).ShouldBe(2);
        entries.Select(e => Convert.ToHexString(e.Sealed)).ShouldNotContain(Convert.ToHexString(sealedOld));
        var raw = engine == Engine.Sqlite ? Canary.SqliteBytes(factory.Database) : await Canary.PostgresDumpAsync(factory.Database);
        Kept(raw, sealedOld.AsSpan(1, 65).ToArray()).ShouldBeFalse("the deleted envelope is still in the database");
        await factory.InScopeAsync(org.Id, async s =>
        {
            (await s.GetRequiredService<EscrowStore>().WithdrawAsync(oldCode, CancellationToken.None)).ShouldBe(WithdrawOutcome.Unknown);
            var expired = await s.GetRequiredService<AppDbContext>().AuditEvents.SingleAsync(e => e.Action == EscrowAudit.Expired);
            (expired.ActorKind, expired.ActorId, expired.Detail).ShouldBe((CurrentActor.SystemKind, (Guid?)null, "entries=1;held-months=12"));
        });
        (await pass.RunEverywhereAsync(factory.Services.GetRequiredService<IServiceScopeFactory>(), CancellationToken.None)).Removed.ShouldBeFalse();

        // A second reporter about the same person now waits: the deleted entry no longer counts.
        (await SubmitAsync(factory, org.Id, await SignInAsync(factory, org[Roles.CaseManager]), named, 2, "a year later")).ShouldBe("held");
        (await ReportsAsync(factory, org.Id)).Count.ShouldBe(2);
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
