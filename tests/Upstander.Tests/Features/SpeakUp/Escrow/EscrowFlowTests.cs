using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Upstander.Features.SpeakUp.Escrow;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.SpeakUp.Escrow;

/// <summary>
/// The escrow way end to end through the real API: entries made with the C# twin of the browser's algorithm,
/// held until enough distinct people name the same person, then released as escrow reports.
/// </summary>
public sealed class EscrowFlowTests
{
    private const string EntriesUrl = "/api/v1/escrow/entries";

    internal sealed record Reporter(TestAccount Account, HttpClient Client, string Token);

    internal static async Task<Reporter> SignInAsync(UpstanderFactory factory, TestAccount account)
    {
        var client = await factory.SignInAsync(account);
        return new(account, client, await client.AntiforgeryTokenAsync("/speak-up/escrow"));
    }

    /// <summary>
    /// How a test entry lies: not at all, with a share that is not on the polynomial, with a record sealed under another
    /// key, or on a polynomial of its own (every such entry on the same one, so that colluders' entries give a key of their own).
    /// </summary>
    public enum Poison
    {
        None,
        WrongShare,
        GarbageRecord,
        RivalKey,
    }

    /// <summary>
    /// What escrow-page.js does, in C#: OPRF (against the key holder directly: Upstander's own, or <paramref name="holder"/>
    /// when it runs as its own process), payload, entry, withdrawal code. <paramref name="claimedNamed"/> is whom the record
    /// says it names, when that is not the person whose index it is made under; <paramref name="poison"/> makes an envelope
    /// that passes the reviewers' check but holds a wrong share (its record still sealed under K) or a record K does not open.
    /// </summary>
    internal static (object Body, string Code) MakeEntry(UpstanderFactory factory, Guid organisationId, Guid reporterId, Guid named, int threshold, string text,
        Guid? claimedNamed = null, OprfKeyHolder? holder = null, Poison poison = Poison.None)
    {
        var (entry, code) = MakeEscrowEntry(factory, organisationId, reporterId, named, threshold, text, claimedNamed, holder, poison);
        return (new
        {
            index = Base64Url.Encode(entry.Index),
            threshold = entry.Threshold,
            @sealed = Base64Url.Encode(entry.Sealed),
            withdrawal = EscrowStore.WithdrawalHashOf(code),
        }, code);
    }

    /// <summary>The entry <see cref="MakeEntry"/> uploads, and its withdrawal code.</summary>
    internal static (EscrowEntry Entry, string Code) MakeEscrowEntry(UpstanderFactory factory, Guid organisationId, Guid reporterId, Guid named, int threshold, string text,
        Guid? claimedNamed = null, OprfKeyHolder? holder = null, Poison poison = Poison.None)
    {
        var services = factory.Services;
        holder ??= services.GetRequiredService<OprfKeyHolder>();
        var reviewers = services.GetRequiredService<EscrowReviewerKey>();
        var attestation = services.GetRequiredService<FieldProtector>().Seal(reporterId.ToString("D"), EscrowStore.AttestationPurpose, organisationId);
        var oprf = Oprf.Run(organisationId, named, blinded => holder.Evaluate(blinded));
        var payload = JsonSerializer.SerializeToUtf8Bytes(new
        {
            v = 1,
            reporter = reporterId,
            attestation,
            named = claimedNamed ?? named,
            account = new { whatHappened = text, when = "Last Tuesday", where = "Ward 3", impact = "I dread going in", outcome = "It stops" },
        });
        var secrets = EscrowShares.Derive(oprf, threshold);
        var u = EscrowShares.ReporterX(oprf, organisationId, reporterId);
        var entry = poison switch
        {
            Poison.WrongShare => EscrowEnvelope.Seal(secrets, new EscrowShare(u, (secrets.ShareAt(u) + 1) % EscrowShares.Prime), payload, reviewers.PublicKey),
            Poison.GarbageRecord => EscrowEnvelope.Seal(secrets with { RecordKey = (secrets.RecordKey + 1) % EscrowShares.Prime },
                new EscrowShare(u, secrets.ShareAt(u)), payload, reviewers.PublicKey),
            Poison.RivalKey => EscrowEnvelope.Seal(Rival(secrets), new EscrowShare(u, Rival(secrets).ShareAt(u)), payload, reviewers.PublicKey),
            _ => EscrowEnvelope.Create(oprf, organisationId, reporterId, threshold, payload, reviewers.PublicKey),
        };
        return (entry, Guid.NewGuid().ToString("N")[..24].ToUpperInvariant());
    }

    /// <summary>Another polynomial under the same index, the same for everyone who makes one: K + 1, each coefficient + 1.</summary>
    private static EscrowSecrets Rival(EscrowSecrets secrets) => secrets with
    {
        RecordKey = (secrets.RecordKey + 1) % EscrowShares.Prime,
        Coefficients = [.. secrets.Coefficients.Select(c => (c + 1) % EscrowShares.Prime)],
    };

    internal static async Task<HttpResponseMessage> PostAsync(Reporter reporter, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, EntriesUrl) { Content = JsonContent.Create(body) };
        request.Headers.Add("RequestVerificationToken", reporter.Token);
        return await reporter.Client.SendAsync(request);
    }

    internal static async Task<string> SubmitAsync(UpstanderFactory factory, Guid organisationId, Reporter reporter, Guid named, int threshold, string text,
        Guid? claimedNamed = null, OprfKeyHolder? holder = null) =>
        await StatusOfAsync(await PostAsync(reporter, MakeEntry(factory, organisationId, reporter.Account.PersonId, named, threshold, text, claimedNamed, holder).Body));

    internal static async Task<string> StatusOfAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<EntryAnswer>())!.Status;
    }

    internal static Task<List<ReportRecord>> ReportsAsync(UpstanderFactory factory, Guid organisationId) =>
        factory.InScopeAsync(organisationId, s => s.GetRequiredService<AppDbContext>().Set<ReportRecord>().ToListAsync());

    internal static Task<List<HeldEntry>> EntriesAsync(UpstanderFactory factory, Guid organisationId) =>
        factory.InScopeAsync(organisationId, s => s.GetRequiredService<AppDbContext>().Set<HeldEntry>().ToListAsync());

    internal static EscrowReleaseJob Job(UpstanderFactory factory) =>
        factory.Services.GetServices<IHostedService>().OfType<EscrowReleaseJob>().Single();

    /// <summary>Moves the clock to the next judgement boundary (the next hour) and runs the release job's pass, as it runs then.</summary>
    internal static async Task JudgeAsync(UpstanderFactory factory)
    {
        var now = factory.Clock.GetUtcNow();
        factory.Clock.Advance(factory.Services.GetRequiredService<EscrowOptions>().BoundaryAfter(now) - now);
        await Job(factory).RunOnceAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Released_when_the_second_distinct_reporter_arrives_not_when_the_same_one_submits_twice_and_nothing_readable_is_stored(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Escrow Flow");
        var named = org[Roles.Coordinator].PersonId;
        var first = await SignInAsync(factory, org[Roles.Employee]);
        var second = await SignInAsync(factory, org[Roles.PeerSupporter]);
        var canary = Canary.New("escrow-account");

        (await SubmitAsync(factory, org.Id, first, named, 2, canary)).ShouldBe("held");
        (await SubmitAsync(factory, org.Id, first, named, 2, canary + " again")).ShouldBe("held");
        (await ReportsAsync(factory, org.Id)).ShouldBeEmpty();

        // Held: the stored rows and the whole database show neither what was written nor whom it names.
        var held = await EntriesAsync(factory, org.Id);
        held.Count.ShouldBe(2);
        foreach (var entry in held)
        {
            byte[] row = [.. entry.MatchIndex, .. entry.Sealed, .. Encoding.ASCII.GetBytes(entry.WithdrawalHash)];
            foreach (var id in new[] { named, first.Account.PersonId, first.Account.AccountId })
            {
                Canary.Contains(row, id.ToString("D")).ShouldBeFalse();
                Canary.Contains(row, id.ToString("N")).ShouldBeFalse();
                row.AsSpan().IndexOf(id.ToByteArray()).ShouldBe(-1);
            }
        }
        var raw = engine == Engine.Sqlite ? Canary.SqliteBytes(factory.Database) : await Canary.PostgresDumpAsync(factory.Database);
        Canary.Contains(raw, canary).ShouldBeFalse();

        (await SubmitAsync(factory, org.Id, second, named, 2, canary + " second")).ShouldBe("held", "every upload is answered \"held\"");

        (await ReportsAsync(factory, org.Id)).ShouldBeEmpty("nothing is judged inside an upload");

        await JudgeAsync(factory);

        var reports = await ReportsAsync(factory, org.Id);
        reports.Count.ShouldBe(3);
        reports.ShouldAllBe(r => r.Way == ReportWay.Escrow && r.IdentityHeld && r.AccountSealed != null && r.InvolvedSealed != null);
        reports.Select(r => r.ReporterId).Distinct().OrderBy(id => id).ShouldBe(new Guid?[] { first.Account.PersonId, second.Account.PersonId }.OrderBy(id => id));
        (await EntriesAsync(factory, org.Id)).ShouldAllBe(e => e.IsReleased && e.ReportId != null);
        // Every time the release leaves is the boundary's, on the hour, never the moment of anyone's request.
        reports.ShouldAllBe(r => r.ReceivedAt.UtcTicks % TimeSpan.TicksPerHour == 0);
        (await EntriesAsync(factory, org.Id)).ShouldAllBe(e => e.ReleasedAt!.Value.UtcTicks % TimeSpan.TicksPerHour == 0);
        (await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<EscrowNotice>().ToListAsync()))
            .ShouldAllBe(n => n.CreatedAt.UtcTicks % TimeSpan.TicksPerHour == 0);

        // The sealed contract: the same shapes as any report (ReportDraftContent), as the case side and the reporter read them.
        await factory.InScopeAsync(org.Id, async s =>
        {
            var protector = s.GetRequiredService<FieldProtector>();
            var report = reports.First(r => r.ReporterId == second.Account.PersonId);
            using var account = JsonDocument.Parse(protector.Open(report.AccountSealed!, ReportRecord.AccountPurpose, report.Id));
            account.RootElement.GetProperty("account").GetString().ShouldBe(canary + " second");
            account.RootElement.GetProperty("where").GetString().ShouldBe("Ward 3");
            using var involved = JsonDocument.Parse(protector.Open(report.InvolvedSealed!, ReportRecord.InvolvedPurpose, report.Id));
            involved.RootElement.GetProperty("named")[0].GetGuid().ShouldBe(named);
            involved.RootElement.TryGetProperty("described", out _).ShouldBeFalse("nobody was described in words");
            var audit = await s.GetRequiredService<AppDbContext>().AuditEvents.Where(e => e.Action == EscrowAudit.Released).ToListAsync();
            audit.Count.ShouldBe(1);
            audit[0].ActorId.ShouldBeNull();
        });

        // Released content is sealed too: still no canary anywhere.
        raw = engine == Engine.Sqlite ? Canary.SqliteBytes(factory.Database) : await Canary.PostgresDumpAsync(factory.Database);
        Canary.Contains(raw, canary).ShouldBeFalse();

        // Both reporters are told, with peer support offered first; the named person is not.
        foreach (var reporter in new[] { first, second })
        {
            var home = await reporter.Client.GetStringAsync("/");
            home.ShouldContain("Someone else has named the same person. Your report is now with the case team.");
            home.ShouldContain("/support/talk");
        }
        var namedClient = await factory.SignInAsync(org[Roles.Coordinator]);
        (await namedClient.GetStringAsync("/")).ShouldNotContain("Someone else has named the same person");
    }

    [Fact]
    public async Task A_release_that_a_routing_rule_sends_to_a_case_manager_is_audited_as_the_system_at_the_boundary_never_as_the_last_uploader()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Escrow Routed");
        var caseManager = org[Roles.CaseManager].PersonId;
        await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            db.Add(Upstander.Features.Cases.RoutingRule.Create(org.Id, 1, EscrowStore.Category, null, null, caseManager, factory.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        });
        var named = org[Roles.Coordinator].PersonId;
        var first = await SignInAsync(factory, org[Roles.Employee]);
        var second = await SignInAsync(factory, org[Roles.PeerSupporter]);
        (await SubmitAsync(factory, org.Id, first, named, 2, "first")).ShouldBe("held");
        (await SubmitAsync(factory, org.Id, second, named, 2, "second")).ShouldBe("held", "every upload is answered \"held\"");
        (await ReportsAsync(factory, org.Id)).ShouldBeEmpty("nothing is judged inside an upload");
        await JudgeAsync(factory);

        var reports = await ReportsAsync(factory, org.Id);
        reports.Count.ShouldBe(2);
        reports.ShouldAllBe(r => r.AssigneeId == caseManager, "the rule matched and routed both when the group was judged");
        var ids = reports.Select(r => r.Id.ToString("N")).ToList();
        var events = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents.OrderBy(e => e.Sequence).ToListAsync());
        var about = events.Where(e => (e.TargetId != null && ids.Contains(e.TargetId)) || e.Action == EscrowAudit.Released).ToList();
        about.Select(e => e.Action).ShouldBe([EscrowAudit.Released, "speak-up.case-routed", "speak-up.case-routed"], ignoreOrder: true);
        about.ShouldAllBe(e => e.ActorId == null && e.ActorKind == CurrentActor.SystemKind);
        var release = about.Single(e => e.Action == EscrowAudit.Released);
        release.TargetId.ShouldBeNull();
        release.Detail.ShouldBe("entries=2;threshold=2;group=2;naming-someone-else=0");
        var accounts = new Guid?[] { first.Account.AccountId, second.Account.AccountId };
        events.ShouldNotContain(e => accounts.Contains(e.ActorId) && e.Action.StartsWith("speak-up.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_held_entry_keeps_only_the_hour_of_its_arrival_and_its_id_carries_no_time()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Escrow Hour");
        var reporter = await SignInAsync(factory, org[Roles.Employee]);
        var before = factory.Clock.GetUtcNow();
        (await SubmitAsync(factory, org.Id, reporter, org[Roles.Coordinator].PersonId, 2, "when")).ShouldBe("held");
        var after = factory.Clock.GetUtcNow();

        var entry = (await EntriesAsync(factory, org.Id)).ShouldHaveSingleItem();
        (entry.CreatedAt.UtcTicks % TimeSpan.TicksPerHour).ShouldBe(0);
        entry.CreatedAt.ShouldBeInRange(before.AddHours(-1), after);
        entry.Id.Version.ShouldBe(4, "a version 7 id would keep the millisecond the hour was rounded to hide");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_person_named_cannot_complete_a_group_about_themselves_and_is_answered_as_for_any_held_entry(bool claimsToNameSomeoneElse)
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Escrow Self");
        var accused = await SignInAsync(factory, org[Roles.Coordinator]);
        var named = accused.Account.PersonId;
        var first = await SignInAsync(factory, org[Roles.Employee]);
        var second = await SignInAsync(factory, org[Roles.PeerSupporter]);
        Guid? claimed = claimsToNameSomeoneElse ? org[Roles.Leader].PersonId : null;
        async Task<HttpResponseMessage> SelfAsync(string text) =>
            await PostAsync(accused, MakeEntry(factory, org.Id, named, named, 2, text, claimed).Body);

        (await SubmitAsync(factory, org.Id, first, named, 2, "first")).ShouldBe("held");
        var ordinary = await PostAsync(first, MakeEntry(factory, org.Id, first.Account.PersonId, org[Roles.Researcher].PersonId, 2, "about someone else").Body);
        var self = await SelfAsync("I name myself");
        self.StatusCode.ShouldBe(ordinary.StatusCode);
        (await self.Content.ReadAsStringAsync()).ShouldBe(await ordinary.Content.ReadAsStringAsync(), "the same answer as any entry that completes nothing");
        (await ReportsAsync(factory, org.Id)).ShouldBeEmpty();
        (await EntriesAsync(factory, org.Id)).ShouldAllBe(e => !e.IsReleased);
        var released = () => factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents.CountAsync(e => e.Action == EscrowAudit.Released));
        (await released()).ShouldBe(0);

        // A second real reporter completes the group; the entry by the person it names stays held, is no report, and
        // brings them no notice. Naming themselves again afterwards still answers "held".
        (await SubmitAsync(factory, org.Id, second, named, 2, "second")).ShouldBe("held", "every upload is answered \"held\"");
        (await ReportsAsync(factory, org.Id)).ShouldBeEmpty("nothing is judged inside an upload");
        await JudgeAsync(factory);
        var reports = await ReportsAsync(factory, org.Id);
        reports.Select(r => r.ReporterId).ShouldBe([first.Account.PersonId, second.Account.PersonId], ignoreOrder: true);
        (await EntriesAsync(factory, org.Id)).Count(e => !e.IsReleased).ShouldBe(2, "the entry about someone else and the one by the person named");
        (await accused.Client.GetStringAsync("/")).ShouldNotContain("Someone else has named the same person");
        var again = await SelfAsync("I name myself again");
        again.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await again.Content.ReadFromJsonAsync<EntryAnswer>())!.Status.ShouldBe("held");
        (await ReportsAsync(factory, org.Id)).Count.ShouldBe(2);
        (await released()).ShouldBe(1);
    }

    [Theory]
    [InlineData(Engine.Sqlite, 2)]
    [InlineData(Engine.Sqlite, 3)]
    [InlineData(Engine.Postgres, 2)]
    [InlineData(Engine.Postgres, 3)]
    public async Task A_record_made_under_one_persons_index_that_names_someone_else_never_counts_and_never_becomes_a_report(Engine engine, int threshold)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Escrow Misnamed");
        await ARecordNamingSomeoneElseIsLeftOutAsync(factory, org, threshold, holder: null);
    }

    /// <summary>
    /// Honest reporters name one person; another reporter, who had that person's index from their own OPRF evaluations,
    /// makes an entry under it whose record names someone else. That entry never counts, never becomes a report, brings no
    /// notice, stays held (withdrawable) and is answered "held", before the release and after it.
    /// </summary>
    internal static async Task ARecordNamingSomeoneElseIsLeftOutAsync(UpstanderFactory factory, TestOrganisation org, int threshold, OprfKeyHolder? holder)
    {
        var about = org[Roles.Custodian].PersonId;
        var falselyNamed = org[Roles.Leader].PersonId;
        var liar = await SignInAsync(factory, org[Roles.Researcher]);
        var honest = new List<Reporter>();
        foreach (var role in new[] { Roles.Employee, Roles.PeerSupporter, Roles.Coordinator }.Take(threshold))
        {
            honest.Add(await SignInAsync(factory, org[role]));
        }

        var (lie, lieCode) = MakeEntry(factory, org.Id, liar.Account.PersonId, about, threshold, "a false report", falselyNamed, holder);
        (await StatusOfAsync(await PostAsync(liar, lie))).ShouldBe("held");
        // With t − 1 honest entries and the false one, the group has t entries from t distinct attested reporters: still held.
        foreach (var reporter in honest.SkipLast(1))
        {
            (await SubmitAsync(factory, org.Id, reporter, about, threshold, "what happened", holder: holder)).ShouldBe("held");
        }
        (await ReportsAsync(factory, org.Id)).ShouldBeEmpty();
        (await EntriesAsync(factory, org.Id)).ShouldAllBe(e => !e.IsReleased);

        // The t-th honest reporter completes the group without it.
        (await SubmitAsync(factory, org.Id, honest[^1], about, threshold, "what happened", holder: holder)).ShouldBe("held", "every upload is answered \"held\"");
        (await ReportsAsync(factory, org.Id)).ShouldBeEmpty("nothing is judged inside an upload");
        await JudgeAsync(factory);
        var reports = await ReportsAsync(factory, org.Id);
        reports.Select(r => r.ReporterId).ShouldBe(honest.Select(h => (Guid?)h.Account.PersonId), ignoreOrder: true);
        await factory.InScopeAsync(org.Id, async s =>
        {
            var protector = s.GetRequiredService<FieldProtector>();
            foreach (var report in reports)
            {
                using var involved = JsonDocument.Parse(protector.Open(report.InvolvedSealed!, ReportRecord.InvolvedPurpose, report.Id));
                involved.RootElement.GetProperty("named").EnumerateArray().Select(n => n.GetGuid()).ShouldBe([about]);
            }
            var release = await s.GetRequiredService<AppDbContext>().AuditEvents.SingleAsync(e => e.Action == EscrowAudit.Released);
            release.Detail.ShouldBe($"entries={threshold};threshold={threshold};group={threshold + 1};naming-someone-else=1");
        });
        (await EntriesAsync(factory, org.Id)).Count(e => !e.IsReleased).ShouldBe(1, "the entry naming someone else stays held");
        (await liar.Client.GetStringAsync("/")).ShouldNotContain("Someone else has named the same person");

        // Another such entry after the release is answered "held" as well and becomes nothing; the held one is withdrawn with its code.
        (await SubmitAsync(factory, org.Id, liar, about, threshold, "again", falselyNamed, holder)).ShouldBe("held");
        (await ReportsAsync(factory, org.Id)).Count.ShouldBe(threshold);
        (await liar.Client.PostFormAsync("/speak-up/escrow/withdraw", new() { ["Code"] = lieCode })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await EntriesAsync(factory, org.Id)).Count(e => !e.IsReleased && !e.IsWithdrawn).ShouldBe(1, "only the later one");
    }

    /// <summary>
    /// The attack on a whole group: its envelope passes the reviewers' check, but its share is wrong or its record does not
    /// open under K. The person named sends the garbage record (the index of anyone is theirs for an OPRF evaluation); the
    /// wrong share comes from a third, attested reporter whose record is otherwise a genuine report about the same person,
    /// so it would count if it were not left out. Either way the two honest reporters release their reports, and the
    /// poisoned entry stays held, becomes no report and brings no notice, before the release and after it.
    /// </summary>
    [Theory]
    [InlineData(Poison.WrongShare)]
    [InlineData(Poison.GarbageRecord)]
    public async Task An_entry_with_a_wrong_share_or_a_garbage_record_does_not_keep_the_honest_reporters_held_and_is_never_released(Poison poison)
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Escrow Poisoned");
        var named = org[Roles.Coordinator].PersonId;
        var poisoner = await SignInAsync(factory, org[poison == Poison.GarbageRecord ? Roles.Coordinator : Roles.Leader]);
        var first = await SignInAsync(factory, org[Roles.Employee]);
        var second = await SignInAsync(factory, org[Roles.PeerSupporter]);
        async Task<string> PoisonAsync(string text) =>
            await StatusOfAsync(await PostAsync(poisoner, MakeEntry(factory, org.Id, poisoner.Account.PersonId, named, 2, text, poison: poison).Body));

        (await PoisonAsync("poisoned")).ShouldBe("held");
        (await SubmitAsync(factory, org.Id, first, named, 2, "first")).ShouldBe("held");
        (await ReportsAsync(factory, org.Id)).ShouldBeEmpty();
        (await SubmitAsync(factory, org.Id, second, named, 2, "second")).ShouldBe("held", "every upload is answered \"held\"");
        (await ReportsAsync(factory, org.Id)).ShouldBeEmpty("nothing is judged inside an upload");
        await JudgeAsync(factory);

        var reports = await ReportsAsync(factory, org.Id);
        reports.Select(r => r.ReporterId).ShouldBe([first.Account.PersonId, second.Account.PersonId], ignoreOrder: true);
        (await EntriesAsync(factory, org.Id)).Count(e => !e.IsReleased).ShouldBe(1, "the poisoned entry stays held");
        var release = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents.SingleAsync(e => e.Action == EscrowAudit.Released));
        release.Detail.ShouldBe("entries=2;threshold=2;group=3;naming-someone-else=0");
        (await poisoner.Client.GetStringAsync("/")).ShouldNotContain("Someone else has named the same person");

        // Another one after the release is answered "held" and becomes nothing.
        (await PoisonAsync("poisoned again")).ShouldBe("held");
        (await ReportsAsync(factory, org.Id)).Count.ShouldBe(2);
        (await EntriesAsync(factory, org.Id)).Count(e => !e.IsReleased).ShouldBe(2);
    }

    /// <summary>
    /// The person named and one colleague build a key of their own under the group's index: the person names themselves
    /// (twice), the colleague names someone else. Both are attested, so that key has as many distinct reporters as the honest
    /// pair's, and more records; but neither of its records counts towards a release, so the honest pair's key is the one
    /// kept and their reports are released. The rival entries stay held and become nothing.
    /// </summary>
    [Fact]
    public async Task A_key_made_by_the_person_named_and_a_colleague_naming_someone_else_does_not_keep_the_honest_reporters_held()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Escrow Rival");
        var accused = await SignInAsync(factory, org[Roles.Coordinator]);
        var named = accused.Account.PersonId;
        var colleague = await SignInAsync(factory, org[Roles.Leader]);
        var first = await SignInAsync(factory, org[Roles.Employee]);
        var second = await SignInAsync(factory, org[Roles.PeerSupporter]);
        async Task<string> RivalAsync(Reporter by, string text, Guid? claimed = null) =>
            await StatusOfAsync(await PostAsync(by, MakeEntry(factory, org.Id, by.Account.PersonId, named, 2, text, claimed, poison: Poison.RivalKey).Body));

        (await RivalAsync(accused, "I name myself")).ShouldBe("held");
        (await RivalAsync(accused, "I name myself again")).ShouldBe("held");
        (await RivalAsync(colleague, "someone else", org[Roles.Researcher].PersonId)).ShouldBe("held");
        (await SubmitAsync(factory, org.Id, first, named, 2, "first")).ShouldBe("held");
        (await ReportsAsync(factory, org.Id)).ShouldBeEmpty();
        (await SubmitAsync(factory, org.Id, second, named, 2, "second")).ShouldBe("held", "every upload is answered \"held\"");
        (await ReportsAsync(factory, org.Id)).ShouldBeEmpty("nothing is judged inside an upload");
        await JudgeAsync(factory);

        var reports = await ReportsAsync(factory, org.Id);
        reports.Select(r => r.ReporterId).ShouldBe([first.Account.PersonId, second.Account.PersonId], ignoreOrder: true);
        (await EntriesAsync(factory, org.Id)).Count(e => !e.IsReleased).ShouldBe(3, "the rival key's entries stay held");
        var release = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents.SingleAsync(e => e.Action == EscrowAudit.Released));
        release.Detail.ShouldBe("entries=2;threshold=2;group=5;naming-someone-else=0");
        (await accused.Client.GetStringAsync("/")).ShouldNotContain("Someone else has named the same person");
        (await colleague.Client.GetStringAsync("/")).ShouldNotContain("Someone else has named the same person");
    }

    /// <summary>
    /// A group flooded with wrong shares: 150 of them, then an honest pair whose entries sort last, so the pair is the last
    /// of 11,476 subsets and the first search stops at <see cref="EscrowOpener.MaxSubsets"/> before reaching it. The
    /// group stays held, and the release job's next pass goes on where the search stopped and releases the pair. Entries
    /// are stored directly, with chosen ids, because the store orders a group by its random ids.
    /// </summary>
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_group_flooded_past_the_search_bound_is_searched_on_by_the_release_job_until_the_honest_pair_opens(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Escrow Flooded");
        await FloodAsync(factory, org, honest: [Roles.Employee, Roles.PeerSupporter]);

        // A search that stopped at its bound goes on at the job's next pass, without waiting for a boundary.
        await Job(factory).RunOnceAsync(CancellationToken.None);

        (await ReportsAsync(factory, org.Id)).Select(r => r.ReporterId).ShouldBe([org[Roles.Employee].PersonId, org[Roles.PeerSupporter].PersonId], ignoreOrder: true);
        (await EntriesAsync(factory, org.Id)).Count(e => e.IsReleased).ShouldBe(2);
        factory.Services.GetRequiredService<EscrowPendingGroups>().Count.ShouldBe(0);
    }

    /// <summary>
    /// A flooded group that holds nothing else: once the job's search has come round to the first subset over the same
    /// entries, every subset was tried and the group is no longer searched each minute.
    /// </summary>
    [Fact]
    public async Task A_flooded_group_with_nothing_to_open_is_searched_once_round_and_then_left_until_an_entry_arrives()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Escrow Flooded Only");
        await FloodAsync(factory, org, honest: []);
        var pending = factory.Services.GetRequiredService<EscrowPendingGroups>();
        pending.Due(factory.Clock.GetUtcNow()).Count.ShouldBe(1, "the search stopped at its bound, and goes on at the next pass");

        await Job(factory).RunOnceAsync(CancellationToken.None);

        pending.Count.ShouldBe(0);
        (await ReportsAsync(factory, org.Id)).ShouldBeEmpty();
    }

    /// <summary>
    /// Stores 150 entries with wrong shares about the Coordinator and then one honest entry by each of <paramref name="honest"/>,
    /// with ids that sort the honest ones last (the store orders a group by its random ids), and judges the group once:
    /// the search stops at its bound and the group stays held.
    /// </summary>
    private static async Task FloodAsync(UpstanderFactory factory, TestOrganisation org, string[] honest)
    {
        var named = org[Roles.Coordinator].PersonId;
        var entries = new List<(EscrowEntry Entry, string Code, Guid Id)>();
        for (var i = 0; i < 150; i++)
        {
            var (wrong, code) = MakeEscrowEntry(factory, org.Id, Guid.NewGuid(), named, 2, "wrong", poison: Poison.WrongShare);
            entries.Add((wrong, code, new Guid($"00000000-0000-4000-8000-{i:D12}")));
        }
        for (var i = 0; i < honest.Length; i++)
        {
            var (entry, code) = MakeEscrowEntry(factory, org.Id, org[honest[i]].PersonId, named, 2, "what happened");
            entries.Add((entry, code, new Guid($"ffffffff-ffff-4fff-bfff-ffffffffff{i:D2}")));
        }
        (150 * 149 / 2).ShouldBeGreaterThan(EscrowOpener.MaxSubsets);
        await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            foreach (var (entry, code, id) in entries)
            {
                var held = HeldEntry.Hold(org.Id, entry.Index, entry.Threshold, entry.Sealed, EscrowStore.WithdrawalHashOf(code), factory.Clock.GetUtcNow());
                db.Entry(held).Property(e => e.Id).CurrentValue = id;
                db.Add(held);
            }
            await db.SaveChangesAsync();
            (await s.GetRequiredService<EscrowStore>().JudgeAsync(entries[0].Entry.Index, 2, CancellationToken.None)).ShouldBeFalse("the first search stops at its bound");
        });
        (await ReportsAsync(factory, org.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Three_wait_for_three_and_other_people_or_organisations_never_combine()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Escrow Three");
        var other = await factory.CreateOrganisationAsync("Escrow Elsewhere");
        var named = org[Roles.Coordinator].PersonId;
        var a = await SignInAsync(factory, org[Roles.Employee]);
        var b = await SignInAsync(factory, org[Roles.PeerSupporter]);
        var c = await SignInAsync(factory, org[Roles.Leader]);
        var elsewhere = await SignInAsync(factory, other[Roles.Employee]);

        // Different people named, a different threshold, another organisation: four entries, no group of two.
        (await SubmitAsync(factory, org.Id, a, named, 3, "three")).ShouldBe("held");
        (await SubmitAsync(factory, org.Id, b, org[Roles.Researcher].PersonId, 3, "someone else")).ShouldBe("held");
        (await SubmitAsync(factory, org.Id, b, named, 2, "threshold two")).ShouldBe("held");
        (await SubmitAsync(factory, other.Id, elsewhere, named, 2, "same id, other organisation")).ShouldBe("held");
        (await SubmitAsync(factory, org.Id, b, named, 3, "three, second")).ShouldBe("held");
        (await ReportsAsync(factory, org.Id)).ShouldBeEmpty();

        (await SubmitAsync(factory, org.Id, c, named, 3, "three, third")).ShouldBe("held", "every upload is answered \"held\"");

        (await ReportsAsync(factory, org.Id)).ShouldBeEmpty("nothing is judged inside an upload");

        await JudgeAsync(factory);
        var reports = await ReportsAsync(factory, org.Id);
        reports.Count.ShouldBe(3);
        reports.Select(r => r.ReporterId).ShouldBe([a.Account.PersonId, b.Account.PersonId, c.Account.PersonId], ignoreOrder: true);
        (await EntriesAsync(factory, org.Id)).Count(e => !e.IsReleased).ShouldBe(2);
        (await ReportsAsync(factory, other.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Two_servers_on_one_PostgreSQL_database_judging_a_complete_group_at_once_release_it_once()
    {
        await using var first = new UpstanderFactory(Engine.Postgres);
        var org = await first.CreateOrganisationAsync("Escrow Twins");
        await using var second = new UpstanderFactory(Engine.Postgres, database: first.Database);
        var named = org[Roles.Coordinator].PersonId;
        var a = await SignInAsync(first, org[Roles.Employee]);
        var b = await SignInAsync(first, org[Roles.PeerSupporter]);
        var c = await SignInAsync(second, org[Roles.Leader]);
        (await SubmitAsync(first, org.Id, a, named, 2, "first")).ShouldBe("held");
        (await SubmitAsync(first, org.Id, b, named, 2, "second")).ShouldBe("held");
        (await SubmitAsync(second, org.Id, c, named, 2, "third")).ShouldBe("held");

        // At the boundary both servers judge the group (each had an entry arrive in it). While a third process holds the
        // release section, both passes wait for the database lock (their own process's lock is free).
        foreach (var server in new[] { first, second })
        {
            var now = server.Clock.GetUtcNow();
            server.Clock.Advance(server.Services.GetRequiredService<EscrowOptions>().BoundaryAfter(now) - now);
        }
        await using var held = await HeldSection.TakeAsync(first.Database, EscrowStore.ReleaseSection, org.Id);
        var viaFirst = Job(first).RunOnceAsync(CancellationToken.None);
        var viaSecond = Job(second).RunOnceAsync(CancellationToken.None);
        await held.WaitedForByAsync(first, second);
        await held.ReleaseAsync();

        // One server releases all three; the other then reads the entries as released and leaves them.
        await Task.WhenAll(viaFirst, viaSecond);
        var reports = await ReportsAsync(first, org.Id);
        reports.Select(r => r.ReporterId).ShouldBe([a.Account.PersonId, b.Account.PersonId, c.Account.PersonId], ignoreOrder: true);
        var entries = await EntriesAsync(first, org.Id);
        entries.Select(e => e.ReportId).ShouldBe(reports.Select(r => (Guid?)r.Id), ignoreOrder: true);
        (await first.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents.CountAsync(e => e.Action == EscrowAudit.Released))).ShouldBe(1);
    }

    [Fact]
    public async Task Garbage_is_400_and_stores_nothing_the_rate_limit_is_429_and_anonymous_callers_are_refused()
    {
        await using var factory = new UpstanderFactory(settings: new Dictionary<string, string?> { ["Escrow:EntriesPerHour"] = "9" });
        var org = await factory.CreateOrganisationAsync("Escrow Bad");
        var reporter = await SignInAsync(factory, org[Roles.Employee]);
        var named = org[Roles.Coordinator].PersonId;
        var (good, _) = MakeEntry(factory, org.Id, reporter.Account.PersonId, named, 2, "fine");
        var json = JsonSerializer.SerializeToElement(good);
        string Field(string name) => json.GetProperty(name).GetString()!;

        object[] garbage =
        [
            new { },
            new { index = "***", threshold = 2, @sealed = Field("sealed"), withdrawal = Field("withdrawal") },
            new { index = Base64Url.Encode(new byte[31]), threshold = 2, @sealed = Field("sealed"), withdrawal = Field("withdrawal") },
            new { index = Field("index"), threshold = 1, @sealed = Field("sealed"), withdrawal = Field("withdrawal") },
            new { index = Field("index"), threshold = 11, @sealed = Field("sealed"), withdrawal = Field("withdrawal") },
            new { index = Field("index"), threshold = 2, @sealed = Base64Url.Encode(new byte[200]), withdrawal = Field("withdrawal") },
            new { index = Field("index"), threshold = 2, @sealed = Field("sealed"), withdrawal = "not a hash" },
        ];
        var before = await RowCounts.TakeAsync(factory.Database);
        foreach (var body in garbage)
        {
            (await PostAsync(reporter, body)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }
        RowCounts.Differences(before, await RowCounts.TakeAsync(factory.Database)).ShouldBeEmpty();

        // The same withdrawal code twice is refused.
        (await PostAsync(reporter, good)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await PostAsync(reporter, good)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // Nine an hour, and the nine posts above each took one: the next is 429, for this account only.
        (await PostAsync(reporter, MakeEntry(factory, org.Id, reporter.Account.PersonId, named, 2, "over").Body)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        var other = await SignInAsync(factory, org[Roles.Leader]);
        (await PostAsync(other, MakeEntry(factory, org.Id, other.Account.PersonId, org[Roles.Researcher].PersonId, 2, "mine").Body)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var anonymous = factory.Browser();
        (await anonymous.PostAsJsonAsync(EntriesUrl, good)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync("/api/v1/escrow/reviewers-key")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync("/api/v1/escrow/directory")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync("/speak-up/escrow")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await reporter.Client.PostAsJsonAsync(EntriesUrl, good)).StatusCode.ShouldBe(HttpStatusCode.BadRequest); // no antiforgery header

        var key = await reporter.Client.GetFromJsonAsync<ReviewersKeyAnswer>("/api/v1/escrow/reviewers-key");
        Base64Url.Decode(key!.PublicKey).ShouldBe(factory.Services.GetRequiredService<EscrowReviewerKey>().PublicKey);
        var directory = (await reporter.Client.GetFromJsonAsync<List<DirectoryEntry>>("/api/v1/escrow/directory"))!;
        directory.ShouldContain(p => p.Id == named);
        directory.ShouldNotContain(p => p.Id == reporter.Account.PersonId);
    }

    [Fact]
    public async Task The_directory_leaves_out_people_whose_leave_date_is_today_in_the_organisations_zone()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Escrow Leavers");
        await AheadOfUtc.EnterAsync(factory, org.Id);
        // 11 March is today in Auckland and still tomorrow in UTC: gone. 12 March is tomorrow there: still listed.
        async Task LeaveOnAsync(Guid personId, DateOnly day) => await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().People
            .Where(p => p.Id == personId).ExecuteUpdateAsync(u => u.SetProperty(p => p.LeaveDate, (DateOnly?)day)));
        await LeaveOnAsync(org[Roles.Leader].PersonId, AheadOfUtc.LocalDate);
        await LeaveOnAsync(org[Roles.Researcher].PersonId, AheadOfUtc.LocalDate.AddDays(1));

        var reporter = await factory.SignInAsync(org[Roles.Employee]);
        var directory = (await reporter.GetFromJsonAsync<List<DirectoryEntry>>("/api/v1/escrow/directory"))!;
        directory.ShouldNotContain(p => p.Id == org[Roles.Leader].PersonId);
        directory.ShouldContain(p => p.Id == org[Roles.Researcher].PersonId);
    }

    [Fact]
    public async Task A_held_entry_is_withdrawn_with_its_code_only_a_released_one_stays_and_the_page_says_escrow_needs_javascript()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Escrow Withdraw");
        var named = org[Roles.Coordinator].PersonId;
        var reporter = await SignInAsync(factory, org[Roles.Employee]);
        var (body, code) = MakeEntry(factory, org.Id, reporter.Account.PersonId, named, 2, "withdraw me");
        (await PostAsync(reporter, body)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var page = await reporter.Client.GetStringAsync("/speak-up/escrow");
        page.ShouldContain("Escrow needs your browser&#x27;s cryptography");
        page.ShouldContain("data-escrow-form");

        var wrong = await reporter.Client.PostFormAsync("/speak-up/escrow/withdraw", new() { ["Code"] = "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF" });
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await EntriesAsync(factory, org.Id)).Count.ShouldBe(1);

        var done = await reporter.Client.PostFormAsync("/speak-up/escrow/withdraw", new() { ["Code"] = code.ToLowerInvariant()[..12] + "-" + code[12..] });
        done.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        // Wiped at once: nothing is left of it but the code's hash, until the boundary deletes it and counts it in the
        // audit log; nothing records the moment it was withdrawn.
        var left = (await EntriesAsync(factory, org.Id)).ShouldHaveSingleItem();
        (left.IsWithdrawn, left.MatchIndex.Length, left.Sealed.Length).ShouldBe((true, 0, 0));
        var withdrawals = () => factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents.Where(e => e.Action == EscrowAudit.Withdrawn).ToListAsync());
        (await withdrawals()).ShouldBeEmpty();
        (await reporter.Client.PostFormAsync("/speak-up/escrow/withdraw", new() { ["Code"] = code })).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "the code no longer works");
        await JudgeAsync(factory);
        (await EntriesAsync(factory, org.Id)).ShouldBeEmpty();
        var recorded = (await withdrawals()).ShouldHaveSingleItem();
        (recorded.ActorId, recorded.ActorKind, recorded.Detail).ShouldBe((null, CurrentActor.SystemKind, "entries=1"));
        (recorded.At.UtcTicks % TimeSpan.TicksPerHour).ShouldBeLessThan(TimeSpan.TicksPerMinute, "recorded at the boundary's pass");

        var first = MakeEntry(factory, org.Id, reporter.Account.PersonId, named, 2, "released");
        (await PostAsync(reporter, first.Body)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var second = await SignInAsync(factory, org[Roles.Leader]);
        (await SubmitAsync(factory, org.Id, second, named, 2, "released too")).ShouldBe("held", "every upload is answered \"held\"");
        (await ReportsAsync(factory, org.Id)).ShouldBeEmpty("nothing is judged inside an upload");
        await JudgeAsync(factory);
        (await reporter.Client.PostFormAsync("/speak-up/escrow/withdraw", new() { ["Code"] = first.Code })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await EntriesAsync(factory, org.Id)).Count.ShouldBe(2);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Two_withdrawals_with_one_code_at_once_withdraw_it_once_and_the_second_is_told_the_code_no_longer_works(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Escrow Twice");
        var reporter = await SignInAsync(factory, org[Roles.Employee]);
        var (body, code) = MakeEntry(factory, org.Id, reporter.Account.PersonId, org[Roles.Coordinator].PersonId, 2, "withdraw me twice");
        (await PostAsync(reporter, body)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var token = await reporter.Client.AntiforgeryTokenAsync("/speak-up/escrow/withdraw");
        Task<HttpResponseMessage> Withdraw() => reporter.Client.PostWithTokenAsync("/speak-up/escrow/withdraw", token, ("Code", code));

        // Both wait for the release section, which a release of the group would hold; once it is free they go one at a time.
        await using var held = await HeldInProcess.TakeAsync(factory, EscrowStore.ReleaseSection, org.Id);
        var first = await held.StartWaitingAsync(Withdraw);
        var second = await held.StartWaitingAsync(Withdraw);
        await held.ReleaseAsync();
        var answers = await Task.WhenAll(first, second);

        answers.Select(a => a.StatusCode).ShouldBe([HttpStatusCode.Redirect, HttpStatusCode.BadRequest], ignoreOrder: true);
        var refused = answers.Single(a => a.StatusCode == HttpStatusCode.BadRequest);
        System.Net.WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()).ShouldContain("A report that was withdrawn is gone, and its code no longer works.");
        await JudgeAsync(factory);
        (await EntriesAsync(factory, org.Id)).ShouldBeEmpty();
        (await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents.SingleAsync(e => e.Action == EscrowAudit.Withdrawn))).Detail.ShouldBe("entries=1");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_withdrawal_racing_the_judgement_of_its_group_either_withdraws_the_entry_or_finds_it_released_never_both(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Escrow Race");
        var named = org[Roles.Coordinator].PersonId;
        var reporter = await SignInAsync(factory, org[Roles.Employee]);
        var (body, code) = MakeEntry(factory, org.Id, reporter.Account.PersonId, named, 2, "first of two");
        (await PostAsync(reporter, body)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var token = await reporter.Client.AntiforgeryTokenAsync("/speak-up/escrow/withdraw");
        var other = await SignInAsync(factory, org[Roles.Leader]);
        (await SubmitAsync(factory, org.Id, other, named, 2, "second of two")).ShouldBe("held");
        var now = factory.Clock.GetUtcNow();
        factory.Clock.Advance(factory.Services.GetRequiredService<EscrowOptions>().BoundaryAfter(now) - now);

        await using var held = await HeldInProcess.TakeAsync(factory, EscrowStore.ReleaseSection, org.Id);
        var withdrawal = await held.StartWaitingAsync(() => reporter.Client.PostWithTokenAsync("/speak-up/escrow/withdraw", token, ("Code", code)));
        var judging = await held.StartWaitingAsync(async () => { await Job(factory).RunOnceAsync(CancellationToken.None); return true; });
        await held.ReleaseAsync();
        var withdrawn = await withdrawal;
        await judging;

        var entries = await EntriesAsync(factory, org.Id);
        var reports = await ReportsAsync(factory, org.Id);
        if (withdrawn.StatusCode == HttpStatusCode.Redirect)
        {
            // Withdrawn first: the group lost its entry and the judgement finds nothing complete (the withdrawn entry is
            // deleted and counted by that same pass, or the next one).
            entries.ShouldAllBe(e => !e.IsReleased);
            entries.Count(e => !e.IsWithdrawn).ShouldBe(1);
            reports.ShouldBeEmpty();
        }
        else
        {
            // Released first: the entry is a report now, and the withdrawal says so.
            withdrawn.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            System.Net.WebUtility.HtmlDecode(await withdrawn.Content.ReadAsStringAsync()).ShouldContain("already released to the case team");
            entries.Count.ShouldBe(2);
            entries.ShouldAllBe(e => e.IsReleased);
            reports.Count.ShouldBe(2);
        }
    }
}
