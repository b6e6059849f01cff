using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>
/// An evidence file checked and cleaned, ready to store with a report, with the name it was sent with (which
/// <see cref="ReportFiles.Store"/> does not keep for a report whose author is held back).
/// </summary>
public sealed record PreparedFile(string Name, string ContentType, byte[] Bytes);

/// <summary>A stored evidence file opened for reading: the decrypted bytes, the content type and the name it is shown under (<see cref="ReportFiles.Named"/>).</summary>
public sealed record OpenedFile(Stream Content, string ContentType, string FileName);

/// <summary>
/// Evidence files: checked by content against the allow-list and the size limits, stripped of image metadata, then
/// encrypted with AES-256-GCM under a random per-file key (sealed in <c>report_files</c> with FieldProtector) into the
/// uploads folder. Nothing here decides who may read a file: <see cref="OpenAsync"/> is for callers that have. Scoped.
/// </summary>
public sealed class ReportFiles(AppDbContext db, FieldProtector protector, ReportingOptions options, TimeProvider clock)
{
    public const int NameMaxLength = 200;

    /// <summary>
    /// Checks and cleans uploaded files; the problems are English messages (localization keys) with their arguments,
    /// which may name the uploaded file: they go back only to the person uploading, in the answer to their own post.
    /// For a report whose author is held back (<paramref name="identityHeld"/>: anonymous, or named with the identity
    /// held), a PDF that keeps details about who made it where they cannot be removed (inside compressed parts) is
    /// refused, with a way to send it safely: the case team would otherwise read the name the report holds back.
    /// </summary>
    public async Task<(List<PreparedFile> Files, List<(string Message, object[] Arguments)> Problems)> PrepareAsync(IReadOnlyList<IFormFile> uploads, bool identityHeld, CancellationToken ct)
    {
        var files = new List<PreparedFile>();
        var problems = new List<(string, object[])>();
        var real = uploads.Where(u => u.Length > 0 || !string.IsNullOrEmpty(u.FileName)).ToList();
        if (real.Count > options.MaxFiles)
        {
            problems.Add(("You can attach up to {0} files.", [options.MaxFiles]));
            return (files, problems);
        }
        foreach (var upload in real)
        {
            var name = Path.GetFileName(upload.FileName ?? "");
            if (name.Length is 0 or > NameMaxLength)
            {
                problems.Add(("A file has no name or too long a name.", []));
                continue;
            }
            if (upload.Length > options.MaxFileBytes)
            {
                problems.Add(("{0} is larger than {1} MB.", [name, Math.Max(1, options.MaxFileBytes / (1024 * 1024))]));
                continue;
            }
            using var memory = new MemoryStream();
            await using (var stream = upload.OpenReadStream())
            {
                await stream.CopyToAsync(memory, ct);
            }
            var bytes = memory.ToArray();
            var type = bytes.Length > options.MaxFileBytes ? null : EvidenceFormats.Sniff(name, bytes);
            var pdf = type == EvidenceFormats.Pdf ? PdfMetadata.Scrub(bytes) : null;
            if (identityHeld && pdf is { IsClean: false })
            {
                problems.Add(("{0} keeps details about who made it in a part of the file that cannot be cleaned. To stay anonymous, save it again with \"Print to PDF\" or attach a screenshot instead.", [name]));
                continue;
            }
            var cleaned = pdf?.Bytes ?? (type is null ? null : EvidenceFormats.Clean(type, bytes));
            if (type is null || cleaned is null)
            {
                problems.Add(("{0} is not a photo (JPEG or PNG), a PDF or a plain text file.", [name]));
                continue;
            }
            files.Add(new PreparedFile(name, type, cleaned));
        }
        return (files, problems);
    }

    /// <summary>
    /// Encrypts each file into the uploads folder and adds its row to the unit of work. Returns the paths written, to
    /// remove if saving fails. The name a file was sent with is sealed with it, except for a report whose author is held
    /// back (anonymous, escrow, or named with the identity held): names such as "IMG_ruth_phone.jpg" or
    /// "Smith-timeline.pdf" say who sent them, so such a report keeps none, and <see cref="Named"/> gives its files
    /// neutral ones.
    /// </summary>
    public List<string> Store(ReportRecord report, IReadOnlyList<PreparedFile> files)
    {
        var written = new List<string>();
        foreach (var file in files)
        {
            var row = ReportFile.Add(report, file.ContentType, file.Bytes.Length, clock.GetUtcNow());
            var key = RandomNumberGenerator.GetBytes(32);
            var output = new byte[12 + 16 + file.Bytes.Length];
            RandomNumberGenerator.Fill(output.AsSpan(0, 12));
            using (var aes = new AesGcm(key, 16))
            {
                aes.Encrypt(output.AsSpan(0, 12), file.Bytes, output.AsSpan(28), output.AsSpan(12, 16), row.Id.ToByteArray());
            }
            row.Seal(protector.Seal(Convert.ToBase64String(key), ReportFile.KeyPurpose, row.Id),
                report.IdentityHeld ? null : protector.Seal(file.Name, ReportFile.NamePurpose, row.Id));
            CryptographicOperations.ZeroMemory(key);
            var path = PathOf(row);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, output);
            written.Add(path);
            db.Add(row);
        }
        return written;
    }

    /// <summary>The files of a report (no content), oldest first.</summary>
    public Task<List<ReportFile>> ListAsync(Guid reportId, CancellationToken ct) =>
        db.Set<ReportFile>().Where(f => f.ReportId == reportId).OrderBy(f => f.UploadedAt).ThenBy(f => f.Id).ToListAsync(ct);

    /// <summary>
    /// Each of a report's files, as <see cref="ListAsync"/> listed them, with the name it is listed and downloaded under:
    /// the name it was sent with (sealed, and opened here: the callers audit the read), or, where none was kept (its
    /// report's author was held back when it was sent), a neutral one made of its position in the list (from 1) and the
    /// content type it was recognised as: "evidence-2.pdf". A neutral name stays one if the identity is revealed later.
    /// </summary>
    public List<(ReportFile Row, string Name)> Named(IReadOnlyList<ReportFile> listed) => [.. listed.Select((file, i) => (file, NameOf(file, i + 1)))];

    private string NameOf(ReportFile file, int position) => file.NameSealed is null
        ? $"evidence-{position}{EvidenceFormats.ExtensionOf(file.ContentType)}"
        : protector.Open(file.NameSealed, ReportFile.NamePurpose, file.Id);

    /// <summary>
    /// Opens one of a report's stored files (current organisation); null when the report has no such file, or its
    /// bytes are gone. The caller decides whether the person may read the report, and audits the read.
    /// </summary>
    public async Task<OpenedFile?> OpenAsync(Guid reportId, Guid fileId, CancellationToken ct)
    {
        // The whole list (a handful of rows), as a neutral name is the file's place in it; only this file's name is opened.
        var listed = await ListAsync(reportId, ct);
        var i = listed.FindIndex(f => f.Id == fileId);
        if (i < 0 || !File.Exists(PathOf(listed[i])))
        {
            return null;
        }
        var row = listed[i];
        var name = NameOf(row, i + 1);
        var stored = await File.ReadAllBytesAsync(PathOf(row), ct);
        var key = Convert.FromBase64String(protector.Open(row.KeySealed, ReportFile.KeyPurpose, row.Id));
        var plain = new byte[stored.Length - 28];
        using (var aes = new AesGcm(key, 16))
        {
            aes.Decrypt(stored.AsSpan(0, 12), stored.AsSpan(28), stored.AsSpan(12, 16), plain, row.Id.ToByteArray());
        }
        CryptographicOperations.ZeroMemory(key);
        return new OpenedFile(new MemoryStream(plain, writable: false), row.ContentType, name);
    }

    /// <summary>
    /// Removes a report's files' rows (unsaved) for retention and adds, in the same unit of work, a
    /// <see cref="ReportFileErasure"/> for each: the caller deletes their bytes with <see cref="DeleteErasedAsync"/> once
    /// the removal is committed, so that an erase that fails keeps the files whole. Bytes left behind by a process that
    /// stops in between open with nothing (their keys were in the rows), and the erasure committed with the removal names
    /// them for <see cref="ErasedFileBytes"/>.
    /// </summary>
    public async Task<List<ReportFileErasure>> RemoveForReportAsync(Guid reportId, CancellationToken ct)
    {
        var rows = await ListAsync(reportId, ct);
        var now = clock.GetUtcNow();
        List<ReportFileErasure> erased = [.. rows.Select(row => ReportFileErasure.Of(row, now))];
        db.RemoveRange(rows);
        db.AddRange(erased);
        return erased;
    }

    /// <summary>
    /// Deletes the encrypted bytes of files retention erased (committed: their rows are gone), a file already gone
    /// included, then their erasure rows, at once (in the caller's transaction, if any): the bytes are deleted first, so an
    /// erasure row goes only once its bytes have. Returns how many erasure rows went (fewer when another process removed
    /// some meanwhile). Only files an erasure names are ever deleted here.
    /// </summary>
    public async Task<int> DeleteErasedAsync(IReadOnlyCollection<ReportFileErasure> erased, CancellationToken ct)
    {
        foreach (var erasure in erased)
        {
            File.Delete(PathOf(erasure.OrganisationId, erasure.FileId));
        }
        var ids = erased.Select(e => e.FileId).ToList();
        return await db.Set<ReportFileErasure>().Where(e => ids.Contains(e.FileId)).ExecuteDeleteAsync(ct);
    }

    private string PathOf(ReportFile row) => PathOf(row.OrganisationId, row.Id);

    private string PathOf(Guid organisationId, Guid fileId) => Path.Combine(options.UploadsDirectory!, organisationId.ToString("N"), fileId.ToString("N") + ".bin");
}

/// <summary>
/// Case retention removes a closed case's evidence files (rows and encrypted bytes) with the rest of its content: the rows
/// in the pass's transaction, with an erasure row for each (<see cref="ReportFileErasure"/>), and the bytes and then the
/// erasure rows once it is committed. When that last part fails (a file cannot be deleted, the database refuses the small
/// save) the pass does not: the erasure rows stay, and <see cref="ErasedFileBytes"/> finishes the work. Logs counts only.
/// </summary>
public sealed class ReportFilesEraser(ReportFiles files, ILogger<ReportFilesEraser> logger) : Cases.IReportContentEraser
{
    private readonly List<ReportFileErasure> _erased = [];

    public async Task<int> EraseAsync(IReadOnlyList<Guid> reportIds, CancellationToken ct)
    {
        var count = 0;
        foreach (var id in reportIds)
        {
            var erased = await files.RemoveForReportAsync(id, ct);
            _erased.AddRange(erased);
            count += erased.Count;
        }
        return count;
    }

    public async Task CommittedAsync(CancellationToken ct)
    {
        if (_erased.Count == 0)
        {
            return;
        }
        try
        {
            await files.DeleteErasedAsync(_erased, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Deleting the bytes of {Files} erased evidence files and then their erasure rows failed after the erase ({ExceptionType}); the \"{Pass}\" retention pass finishes it.",
                _erased.Count, ex.GetType().Name, ErasedFileBytes.PassName);
        }
        _erased.Clear();
    }
}
