using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Cases;
using Upstander.Features.SpeakUp.Reporting;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Retention;
using Upstander.Platform.Security;
using Upstander.Tests.Features.SpeakUp.Cases;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.SpeakUp.Reporting;

/// <summary>
/// Retention erases a closed case's evidence files: their rows in its transaction, each with an erasure row naming the
/// bytes, and the bytes and erasure rows once it is committed. Bytes a process that stopped in between left on disk are
/// deleted by the "evidence bytes left after erasing" pass, which deletes only files an erasure row names: a file no row
/// names at all (as after a restore from an older backup) stays, and so does every real evidence file.
/// </summary>
public sealed class ErasedEvidenceRetentionTests
{
    private static readonly Dictionary<string, string?> Settings = new() { ["SpeakUp:RetentionDays"] = "30" };

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_retention_erase_deletes_the_bytes_and_leaves_no_erasure_rows(Engine engine)
    {
        await using var world = await CaseWorld.StartAsync(engine, Settings);
        var (id, files) = await SendClosedAsync(world, "first evidence", "second evidence");
        files.ShouldAllBe(f => File.Exists(PathOf(world, f)));
        world.Factory.Clock.Advance(TimeSpan.FromDays(31));

        var outcome = await RunAsync(world, "closed reports");
        outcome.Summary.ShouldEndWith(" 2 files.");
        (await StoredAsync(world, id)).ShouldBe((0, 0));
        files.ShouldAllBe(f => !File.Exists(PathOf(world, f)), "the bytes go once the erase is committed");
        (await RunAsync(world, ErasedFileBytes.PassName)).Removed.ShouldBeFalse("the erase left nothing to finish");
        (await AuditedAsync(world)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Bytes_a_process_that_stopped_after_the_erase_left_are_deleted_by_the_pass(Engine engine)
    {
        await using var world = await CaseWorld.StartAsync(engine, Settings, StopAfterCommit);
        var (id, files) = await SendClosedAsync(world, "first evidence", "second evidence");
        world.Factory.Clock.Advance(TimeSpan.FromDays(31));

        (await world.InScopeAsync((s, _) => s.GetRequiredService<CaseRetention>().RunAsync(CancellationToken.None))).Files.ShouldBe(2);
        (await StoredAsync(world, id)).ShouldBe((0, 2), "the erase is committed with an erasure row for each file");
        files.ShouldAllBe(f => File.Exists(PathOf(world, f)), "the process stopped before deleting the bytes");
        (await OpenAsync(world, id, files[0])).ShouldBeNull("their keys went with the rows");
        // It had deleted one of them before it stopped: a file already gone is fine.
        File.Delete(PathOf(world, files[1]));

        var outcome = await RunAsync(world, ErasedFileBytes.PassName);
        outcome.Failures.ShouldBeEmpty();
        (outcome.Removed, outcome.Summary).ShouldBe((true, "Deleted the bytes of 2 evidence files retention had erased and left on disk."));
        files.ShouldAllBe(f => !File.Exists(PathOf(world, f)));
        (await StoredAsync(world, id)).ShouldBe((0, 0));
        (await AuditedAsync(world)).ShouldBe(["files=2"]);
        (await RunAsync(world, ErasedFileBytes.PassName)).Removed.ShouldBeFalse();
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_file_no_row_names_and_real_evidence_stay_while_erased_bytes_go(Engine engine)
    {
        await using var world = await CaseWorld.StartAsync(engine, Settings, StopAfterCommit);
        var (erased, erasedFiles) = await SendClosedAsync(world, "erased evidence");
        var (kept, keptFiles) = await SendAsync(world, "kept evidence");
        // Bytes no report_files row and no erasure row names, as a report sent after the backup a database was restored from leaves them.
        var unknown = PathOf(world, Guid.CreateVersion7());
        await File.WriteAllBytesAsync(unknown, [1, 2, 3]);
        world.Factory.Clock.Advance(TimeSpan.FromDays(31));

        (await world.InScopeAsync((s, _) => s.GetRequiredService<CaseRetention>().RunAsync(CancellationToken.None))).Files.ShouldBe(1);
        (await StoredAsync(world, erased)).ShouldBe((0, 1));
        foreach (var pass in world.Factory.Services.GetServices<RetentionPass>())
        {
            (await pass.RunEverywhereAsync(world.Factory.Services.GetRequiredService<IServiceScopeFactory>(), CancellationToken.None)).Failures.ShouldBeEmpty();
        }

        File.Exists(PathOf(world, erasedFiles[0])).ShouldBeFalse("an erasure row names it");
        File.Exists(unknown).ShouldBeTrue("no row names it: it may be evidence the database does not know yet");
        (await File.ReadAllBytesAsync(unknown)).ShouldBe(new byte[] { 1, 2, 3 });
        File.Exists(PathOf(world, keptFiles[0])).ShouldBeTrue();
        (await OpenAsync(world, kept, keptFiles[0])).ShouldBe("kept evidence");
        (await StoredAsync(world, kept)).ShouldBe((1, 0));
        (await AuditedAsync(world)).ShouldBe(["files=1"]);
    }

    /// <summary>
    /// Registers the evidence eraser so that nothing happens once the erase is committed, as with a process that stopped
    /// right after the commit: the rows are gone, the bytes and the erasure rows stay.
    /// </summary>
    private static void StopAfterCommit(IServiceCollection services)
    {
        services.Remove(services.Single(d => d.ServiceType == typeof(IReportContentEraser) && d.ImplementationType == typeof(ReportFilesEraser)));
        services.AddScoped<ReportFilesEraser>();
        services.AddScoped<IReportContentEraser, StoppedAfterCommit>();
    }

    private sealed class StoppedAfterCommit(ReportFilesEraser eraser) : IReportContentEraser
    {
        public Task<int> EraseAsync(IReadOnlyList<Guid> reportIds, CancellationToken ct) => eraser.EraseAsync(reportIds, ct);
    }

    /// <summary>Sends a named report with a text file per text, as the reporting form does, and has the case manager close it.</summary>
    private static async Task<(Guid Report, List<Guid> Files)> SendClosedAsync(CaseWorld world, params string[] texts)
    {
        var sent = await SendAsync(world, texts);
        await world.AcknowledgeAndCloseAsync([sent.Report], "resolved-informally");
        return sent;
    }

    /// <summary>Sends a named report with a text file per text, as the reporting form does, assigned to the case manager.</summary>
    private static Task<(Guid Report, List<Guid> Files)> SendAsync(CaseWorld world, params string[] texts) => world.InScopeAsync(async (s, db) =>
    {
        var content = new ReportDraftContent { Account = "It keeps happening.", Category = "verbal-abuse" };
        var report = await s.GetRequiredService<ReportSubmission>().SubmitAsync(content, ReportWay.Named, world.Org[Roles.Employee].PersonId, identityHeld: false,
            [.. texts.Select((text, i) => new PreparedFile($"notes-{i}.txt", "text/plain", Encoding.UTF8.GetBytes(text)))], CancellationToken.None);
        report.Assign(world.CaseManager);
        await db.SaveChangesAsync();
        var files = await db.Set<ReportFile>().Where(f => f.ReportId == report.Id).OrderBy(f => f.UploadedAt).ThenBy(f => f.Id).Select(f => f.Id).ToListAsync();
        files.Count.ShouldBe(texts.Length);
        return (report.Id, files);
    });

    private static Task<RetentionOutcome> RunAsync(CaseWorld world, string pass) =>
        world.Factory.Services.GetServices<RetentionPass>().Single(p => p.Name == pass)
            .RunEverywhereAsync(world.Factory.Services.GetRequiredService<IServiceScopeFactory>(), CancellationToken.None);

    /// <summary>The report's file rows, and the erasure rows in the organisation.</summary>
    private static Task<(int Files, int Erasures)> StoredAsync(CaseWorld world, Guid report) => world.InScopeAsync(async (_, db) => (
        await db.Set<ReportFile>().CountAsync(f => f.ReportId == report),
        await db.Set<ReportFileErasure>().CountAsync()));

    private static string PathOf(CaseWorld world, Guid file) =>
        Path.Combine(world.Factory.Database.Folder, "uploads", world.Org.Id.ToString("N"), file.ToString("N") + ".bin");

    private static Task<string?> OpenAsync(CaseWorld world, Guid report, Guid file) => world.InScopeAsync(async (s, _) =>
    {
        if (await s.GetRequiredService<ReportFiles>().OpenAsync(report, file, CancellationToken.None) is not { } opened)
        {
            return null;
        }
        using var reader = new StreamReader(opened.Content);
        return await reader.ReadToEndAsync();
    });

    private static Task<List<string?>> AuditedAsync(CaseWorld world) => world.InScopeAsync((_, db) =>
        db.AuditEvents.Where(e => e.Action == ReportingAudit.ErasedFileBytesRemoved).OrderBy(e => e.Sequence).Select(e => e.Detail).ToListAsync());
}
