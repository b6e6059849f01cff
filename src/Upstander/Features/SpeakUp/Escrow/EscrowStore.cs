using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.SpeakUp.Reporting;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.SpeakUp.Escrow;

public static class EscrowAudit
{
    /// <summary>A group reached its threshold and its entries became reports. Recorded as the system, counts in the detail.</summary>
    public const string Released = "speak-up.escrow-released";

    /// <summary>
    /// Held entries were withdrawn with their codes since the last judgement boundary. Recorded as the system at the
    /// boundary, with the count: no actor, since the server must not learn whose they were, and not at the moment of a
    /// withdrawal, which would place it beside the withdrawer's own events.
    /// </summary>
    public const string Withdrawn = "speak-up.escrow-withdrawn";

    /// <summary>Held entries past <see cref="EscrowOptions.HeldMonths"/> were deleted. Recorded as the system, with the count.</summary>
    public const string Expired = "speak-up.escrow-expired";
}

/// <summary>The reporter's account inside the record, the same fields as a short report.</summary>
public sealed record EscrowAccount(string? WhatHappened, string? When, string? Where, string? Impact, string? Outcome)
{
    public const int FieldMaxLength = 4000;
}

/// <summary>
/// What the browser encrypts inside the record (wwwroot/js/escrow-page.js): who reports (their directory id and
/// the attestation the escrow page gave them), whom they name, and their account.
/// </summary>
public sealed record EscrowPayload(int V, Guid Reporter, string? Attestation, Guid Named, EscrowAccount? Account)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.Never };
}

/// <summary>
/// Stores entries and releases a group when enough distinct people have named the same person. The server holds
/// the reviewers' private key in-process (see docs/escrow.md), opens a complete group with
/// <see cref="EscrowOpener"/>, and turns every entry into an escrow <see cref="ReportRecord"/> for its reporter. An
/// upload only stores its entry; groups are judged by <see cref="EscrowReleaseJob"/> at the judgement boundaries
/// (<see cref="EscrowOptions.JudgementPeriod"/>), and a release carries the boundary's time.
/// </summary>
public sealed class EscrowStore(AppDbContext db, OrganisationScope scope, FieldProtector protector, EscrowReviewerKey reviewers,
    AuditLog audit, TimeProvider clock, ILogger<EscrowStore> logger, Cases.CaseIntake intake, ExclusiveLocks locks, EscrowSubject subjects,
    EscrowPendingGroups pending, EscrowOptions options)
{
    public const string AttestationPurpose = "speak-up.escrow-reporter";
    /// <summary>
    /// The escrow page asks no category, and nothing changes a report's category afterwards: a released escrow report
    /// stays "other" (routing rules and insight see it so).
    /// </summary>
    public const string Category = "other";

    /// <summary>
    /// One release or withdrawal at a time per organisation in every process, so two arrivals in the same group cannot both
    /// release it, and an entry cannot be withdrawn while its group is being released.
    /// </summary>
    public const string ReleaseSection = "speak-up.escrow-release";

    private Guid Organisation => scope.OrganisationId ?? throw new InvalidOperationException("Escrow works within an organisation.");

    /// <summary>
    /// What the escrow page gives a signed-in reporter to put inside their record: their directory id sealed to the
    /// organisation, so that at release the server knows the record's reporter really is that person.
    /// </summary>
    public string Attest(Guid personId) => protector.Seal(personId.ToString("D"), AttestationPurpose, Organisation);

    /// <summary>Checks the shape of an upload; the envelope itself can only be checked by the reviewers' key.</summary>
    public static string? Problem(byte[] index, int threshold, byte[] sealedBytes, string? withdrawalHash)
    {
        if (index.Length != HeldEntry.IndexLength)
        {
            return "index must be 32 bytes.";
        }
        if (threshold is < EscrowShares.MinimumThreshold or > EscrowShares.MaximumThreshold)
        {
            return $"threshold must be between {EscrowShares.MinimumThreshold} and {EscrowShares.MaximumThreshold}.";
        }
        if (sealedBytes.Length is < 1 + 65 + 12 + 16 + 32 or > HeldEntry.MaxSealedBytes || sealedBytes[0] != EscrowEnvelope.Version)
        {
            return "sealed is not a version 1 escrow envelope of an acceptable size.";
        }
        try
        {
            EscrowEnvelope.ImportPublic(sealedBytes.AsSpan(1, 65)).Dispose();
        }
        catch (Exception ex) when (ex is EscrowFormatException or CryptographicException)
        {
            return "sealed does not start with a P-256 public key.";
        }
        if (withdrawalHash is not { Length: HeldEntry.WithdrawalHashLength } || !withdrawalHash.All(char.IsAsciiHexDigitLower))
        {
            return "withdrawal must be the lowercase hex SHA-256 of the withdrawal code.";
        }
        return null;
    }

    public static string WithdrawalHashOf(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(NormalizeCode(code))));

    /// <summary>Upper case, without spaces or dashes: the form the browser hashes.</summary>
    public static string NormalizeCode(string code) =>
        new([.. code.Where(c => !char.IsWhiteSpace(c) && c != '-').Select(char.ToUpperInvariant)]);

    /// <summary>
    /// Stores a checked entry, to be judged with its group at the next boundary; false when its withdrawal code was used
    /// before. The same work whatever the group holds: nothing here reads the group or asks the key holder, so neither
    /// the answer nor the time it takes says whether the group is complete.
    /// </summary>
    public async Task<bool> HoldAsync(byte[] index, int threshold, byte[] sealedBytes, string withdrawalHash, CancellationToken ct)
    {
        if (await db.Set<HeldEntry>().IgnoreQueryFilters().AnyAsync(e => e.WithdrawalHash == withdrawalHash, ct))
        {
            return false;
        }
        var now = clock.GetUtcNow();
        db.Set<HeldEntry>().Add(HeldEntry.Hold(Organisation, index, threshold, sealedBytes, withdrawalHash, now));
        await db.SaveChangesAsync(ct);
        pending.Arrived(Organisation, index, threshold, options.BoundaryAfter(now));
        return true;
    }

    /// <summary>Judges the group (π, t) now (<see cref="EscrowReleaseJob"/>); true when it released reports.</summary>
    public Task<bool> JudgeAsync(byte[] index, int threshold, CancellationToken ct) => ReleaseAsync(index, threshold, ct);

    private enum Judgement
    {
        Held,
        Released,
        /// <summary>The key holder could not check whom the group is about: nothing is released, and it is tried again.</summary>
        Unchecked,
    }

    /// <summary>
    /// Tries to open the group (π, t). Attempted only when it has at least t entries; if fewer than t distinct
    /// reporters are among them (the server cannot tell before opening), everything stays held. A group the key holder
    /// could not check stays held and is tried again (<see cref="EscrowPendingGroups"/>), as is one whose judgement was
    /// cut short (the uploader went away while the key holder was asked, the database failed).
    /// </summary>
    private async Task<bool> ReleaseAsync(byte[] index, int threshold, CancellationToken ct)
    {
        pending.Add(Organisation, index, threshold);
        await using var section = await locks.EnterAsync(db, ReleaseSection, Organisation, ct);
        var state = pending.SearchState(Organisation, index, threshold);
        var search = new SearchProgress(state.From);
        var judgement = await JudgeAsync(index, threshold, search, ct);
        if (judgement == Judgement.Held && search.Next is { } next && search.Entries is { } entries)
        {
            // The bound stopped the search before every subset was tried: the job goes on with it at its next pass. A round
            // begun at the first subset over these same entries that comes back to it has tried them all.
            var round = state.From == 0 ? entries : state.RoundOver;
            if (next == 0 && round == entries)
            {
                pending.Remove(Organisation, index, threshold);
            }
            else
            {
                pending.GoOn(Organisation, index, threshold, new(next, next == 0 ? entries : round));
            }
        }
        else if (judgement != Judgement.Unchecked)
        {
            pending.Remove(Organisation, index, threshold);
        }
        return judgement == Judgement.Released;
    }

    /// <summary>
    /// Where a group's search for a key begins; where the next one goes on from (null: nothing is left to try), and which
    /// entries it searched (a hash of their ids).
    /// </summary>
    private sealed class SearchProgress(long from)
    {
        public long From => from;
        public long? Next { get; set; }
        public string? Entries { get; set; }
    }

    private async Task<Judgement> JudgeAsync(byte[] index, int threshold, SearchProgress progress, CancellationToken ct)
    {
        var group = await db.Set<HeldEntry>().Where(e => e.MatchIndex == index && e.Threshold == threshold)
            .OrderBy(e => e.Id).ToListAsync(ct);
        if (group.Count < threshold || group.All(e => e.IsReleased))
        {
            return Judgement.Held;
        }
        var keys = await OpenAsync(group, progress, ct);
        if (keys is null)
        {
            return Judgement.Held;
        }
        if (keys.Select(k => k.Select(o => o.Payload.Reporter).Distinct().Count()).DefaultIfEmpty(0).Max() < threshold)
        {
            logger.LogWarning("An escrow group reached {Count} entries but no key opens the records of {Threshold} distinct attested reporters; it stays held.", group.Count, threshold);
            return Judgement.Held;
        }
        // Whom the group is about: the person whose index it has, recomputed here from the ids its records name. A record
        // that names anyone else was made under someone's index by a reporter who had that person's π (their own OPRF
        // evaluations give it) but names another: it never counts and never becomes a report (it would be a report about
        // someone nobody else named, carried by a genuine group), and the group is judged without it. The person a group
        // is about never counts towards it either: naming themselves (a record that does name the person of the index),
        // they neither complete a group nor become a report, and so are never told, by a release or a notice, that others
        // named them. The server cannot tell either at upload: π is made with the OPRF key, and c opens only with the
        // whole group. Only someone named under one key by t distinct attested reporters other than themselves could
        // complete it, so only they are checked. If the key holder cannot be asked, nothing is decided: the group stays
        // held and is tried again.
        var possible = keys.SelectMany(k => k.Where(o => o.Payload.Reporter != o.Payload.Named).GroupBy(o => o.Payload.Named)
            .Where(g => g.Select(o => o.Payload.Reporter).Distinct().Count() >= threshold).Select(g => g.Key)).Distinct().ToList();
        var subject = possible.Count == 0 ? new GroupSubject(true, null) : await subjects.FindAsync(Organisation, index, threshold, possible, ct);
        if (!subject.Checked)
        {
            return Judgement.Unchecked;
        }
        bool Counts(Opened o) => o.Payload.Named == subject.Person && o.Payload.Reporter != subject.Person;
        // The key kept is the one under which the most reporters who count name that person. Ranked by every attested
        // reporter instead, the person named and one colleague naming someone else could make a key of their own that
        // ties an honest pair at t = 2 and, with one more record, wins, keeping the honest reporters held for ever.
        var best = subject.Person is null ? null : EscrowOpener.Best(keys, o => Counts(o) ? o.Payload.Reporter : null);
        if (best is null || best.Reporters < threshold)
        {
            logger.LogWarning("An escrow group reached {Count} entries but fewer than {Threshold} distinct attested reporters who name the person it is about and are not that person; it stays held.", group.Count, threshold);
            return Judgement.Held;
        }
        var namingSomeoneElse = best.Records.Count(o => o.Payload.Named != subject.Person);
        var valid = best.Records.Where(Counts).ToList();
        // The boundary this judgement belongs to, not the moment it ran: a retry some minutes later says no more.
        var now = options.BoundaryAtOrBefore(clock.GetUtcNow());
        var released = 0;
        var reports = new List<ReportRecord>();
        foreach (var (entry, payload) in valid.Where(o => !o.Entry.IsReleased))
        {
            var report = ReportRecord.Receive(entry.OrganisationId, ReportWay.Escrow, payload.Reporter, identityHeld: true,
                Pseudonym(entry), Category, departmentId: null, location: null, now);
            var account = payload.Account ?? new EscrowAccount(null, null, null, null, null);
            // The same sealed shapes as a named or anonymous report, so case work and the reporter's own view read them alike.
            var content = new ReportDraftContent
            {
                Account = account.WhatHappened ?? "",
                When = account.When,
                Where = account.Where,
                Impact = account.Impact,
                Outcome = account.Outcome,
                Named = [payload.Named],
            };
            report.Seal(
                protector.Seal(content.AccountJson([]), ReportRecord.AccountPurpose, report.Id),
                protector.Seal(content.InvolvedJson(), ReportRecord.InvolvedPurpose, report.Id));
            db.Add(report);
            db.Add(ReportEvent.Record(report, "escrow-released", null, ReportStatus.Received, "threshold-met", null, now));
            db.Add(EscrowNotice.For(report, payload.Reporter, now));
            entry.Release(report.Id, now);
            released++;
            reports.Add(report);
        }
        if (released == 0)
        {
            // Released before, and this arrival adds no report (an entry by the person the group is about, or one naming
            // someone else, stays held): the answer is "held", as it is for any entry that completes nothing.
            return Judgement.Held;
        }
        // Upstander's decision, made at a judgement boundary: recorded as the system. Counts only.
        audit.RecordAsSystem(EscrowAudit.Released, "escrow-group", null,
            detail: $"entries={released};threshold={threshold};group={group.Count};naming-someone-else={namingSomeoneElse}");
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Released an escrow group at the judgement boundary: {Released} held reports became reports.", released);
        // Released reports enter case intake like any other: routing rules apply, conflicts of interest always win.
        foreach (var report in reports)
        {
            await intake.RouteAsync(report, ct);
        }
        return Judgement.Released;
    }

    /// <summary>
    /// Withdraws a held entry given its withdrawal code: its envelope and π are wiped at once (it is in no group any more
    /// and can never be opened), and the row that is left, with nothing in it but the code's hash, is deleted and counted in
    /// the audit log at the next boundary (<see cref="RecordWithdrawalsAsync"/>). Released entries are reports now and stay.
    /// Holds the release section, as a release does, and reads the entry once inside it: a withdrawal and a release of the
    /// same entry happen one after the other (the entry is either withdrawn and left out of the group, or released and then
    /// <see cref="WithdrawOutcome.AlreadyReleased"/>), and of two withdrawals with the same code the second finds nothing
    /// (<see cref="WithdrawOutcome.Unknown"/>).
    /// </summary>
    public async Task<WithdrawOutcome> WithdrawAsync(string code, CancellationToken ct)
    {
        var hash = WithdrawalHashOf(code);
        await using var section = await locks.EnterAsync(db, ReleaseSection, Organisation, ct);
        var entry = await db.Set<HeldEntry>().SingleOrDefaultAsync(e => e.WithdrawalHash == hash, ct);
        if (entry is null || entry.IsWithdrawn)
        {
            return WithdrawOutcome.Unknown;
        }
        if (entry.IsReleased)
        {
            return WithdrawOutcome.AlreadyReleased;
        }
        entry.Withdraw();
        await db.SaveChangesAsync(ct);
        return WithdrawOutcome.Withdrawn;
    }

    /// <summary>
    /// Deletes the entries withdrawn since the last boundary and records how many, as the system, in one audit event
    /// (<see cref="EscrowReleaseJob"/>, at the first pass after each boundary). Returns the count.
    /// </summary>
    public async Task<int> RecordWithdrawalsAsync(CancellationToken ct)
    {
        await using var section = await locks.EnterAsync(db, ReleaseSection, Organisation, ct);
        var withdrawn = await db.Set<HeldEntry>().Where(HeldEntry.Withdrawn).ToListAsync(ct);
        if (withdrawn.Count == 0)
        {
            return 0;
        }
        db.RemoveRange(withdrawn);
        audit.RecordAsSystem(EscrowAudit.Withdrawn, "escrow-entry", null, detail: $"entries={withdrawn.Count}");
        await db.SaveChangesAsync(ct);
        return withdrawn.Count;
    }

    private sealed record Opened(HeldEntry Entry, EscrowPayload Payload);

    /// <summary>
    /// Opens the group with <see cref="EscrowOpener.Search"/>, which leaves out every entry whose envelope or record fails
    /// authentication or whose share is wrong, so that garbage uploaded under a known π, or a reporter's wrong share, cannot
    /// block the others. Returns, for each key found, its records that are a well-formed report with a genuine attestation
    /// by a person of this organisation (an uploader can make any number of records under a key of their own, but only
    /// with their own attestation); the others stay held. Each record is read, and its attestation checked, once. Null
    /// when the group cannot be opened at all.
    /// </summary>
    private async Task<List<List<Opened>>?> OpenAsync(List<HeldEntry> group, SearchProgress progress, CancellationToken ct)
    {
        EscrowKeySearch search;
        try
        {
            search = EscrowOpener.Search([.. group.Select(e => e.AsEntry())], reviewers.Key, progress.From);
            progress.Next = search.Next;
            progress.Entries = Convert.ToHexString(SHA256.HashData(group.SelectMany(e => e.Id.ToByteArray()).ToArray()));
            if (search.Next is not null)
            {
                logger.LogInformation("An escrow group of {Count} entries was searched for a key through {Tried} subsets; the search goes on at the next pass.", group.Count, search.Tried);
            }
        }
        catch (EscrowOpenException ex)
        {
            logger.LogInformation("An escrow group of {Count} entries stays held: {Reason}", group.Count, ex.Message);
            return null;
        }
        var payloads = search.Keys.SelectMany(k => k).DistinctBy(r => r.Position)
            .ToDictionary(r => r.Position, r => Parse(r.Payload) is { } payload && Attested(payload) ? payload : null);
        var ids = payloads.Values.OfType<EscrowPayload>().Select(p => p.Reporter).Distinct().ToList();
        var people = (await db.People.Where(p => ids.Contains(p.Id)).Select(p => p.Id).ToListAsync(ct)).ToHashSet();
        return [.. search.Keys.Select(k => k.Where(r => payloads[r.Position] is { } payload && people.Contains(payload.Reporter))
            .Select(r => new Opened(group[r.Position], payloads[r.Position]!)).ToList())];
    }

    /// <summary>The record as a report, or null when it is not one (it then stays held).</summary>
    private static EscrowPayload? Parse(byte[] record)
    {
        try
        {
            var payload = JsonSerializer.Deserialize<EscrowPayload>(record, EscrowPayload.Json);
            return payload is { V: 1 } && payload.Reporter != Guid.Empty && payload.Named != Guid.Empty && Fits(payload.Account) ? payload : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether the record's attestation is one this organisation's keys made for its reporter.</summary>
    private bool Attested(EscrowPayload payload)
    {
        try
        {
            return payload.Attestation is { } token && protector.Open(token, AttestationPurpose, Organisation) == payload.Reporter.ToString("D");
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException or InvalidOperationException or KeyNotFoundException)
        {
            // Not an attestation this organisation's keys made.
            return false;
        }
    }

    private static bool Fits(EscrowAccount? account) =>
        account is not null && !string.IsNullOrWhiteSpace(account.WhatHappened)
        && new[] { account.WhatHappened, account.When, account.Where, account.Impact, account.Outcome }.All(f => (f?.Length ?? 0) <= EscrowAccount.FieldMaxLength);

    private static string Pseudonym(HeldEntry entry) => $"Escrow reporter {entry.Id.ToString("N")[^6..].ToUpperInvariant()}";


}

public enum WithdrawOutcome
{
    Withdrawn,
    Unknown,
    AlreadyReleased,
}
