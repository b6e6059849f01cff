using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>
/// The guided report for a signed-in person, sent with their name (optionally held back from case managers). One page
/// that works without JavaScript: searching the directory and saving the draft post the whole form. Everyone signed in.
/// </summary>
[RequestFormLimits(MultipartBodyLengthLimit = RequestSizeLimit.DefaultMaxBytes)]
public sealed class ReportModel(
    ReportSubmission submission, ReportFiles files, IncidentJournal journal, SupportRequests directory, AppDbContext db,
    CurrentActor actor, ReportingOptions options, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty] public ReportForm Input { get; set; } = new();
    [BindProperty] public List<IFormFile> Files { get; set; } = [];

    public ReportFieldsModel Fields { get; private set; } = null!;
    public IReadOnlyList<NamedPerson> Chosen { get; private set; } = [];
    public IReadOnlyList<NamedPerson> Found { get; private set; } = [];
    public bool Searched { get; private set; }
    public IReadOnlyList<JournalView> Journal { get; private set; } = [];
    public bool HasDraft { get; private set; }

    [BindProperty(SupportsGet = true)] public bool Saved { get; set; }

    private Guid Me => actor.PersonId!.Value;

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await submission.OwnDraftAsync(Me, ct) is { } draft)
        {
            Input = ReportForm.From(draft);
        }
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var (content, problems) = Input.ToContent();
        if (problems.Count == 0)
        {
            problems = await submission.CheckAsync(content, Me, toSend: true, ct);
        }
        ReportPages.AddProblems(ModelState, t, problems);
        var (prepared, fileProblems) = await files.PrepareAsync(Files, identityHeld: Input.HoldIdentity, ct);
        foreach (var (message, arguments) in fileProblems)
        {
            ModelState.AddModelError(nameof(Files), t[message, arguments]);
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }
        var report = await submission.SubmitAsync(content, ReportWay.Named, Me, Input.HoldIdentity, prepared, ct);
        return Redirect($"/speak-up/reports/{report.Id}?sent=true");
    }

    public async Task<IActionResult> OnPostSaveDraftAsync(CancellationToken ct)
    {
        var (content, problems) = Input.ToContent();
        if (problems.Count == 0)
        {
            problems = await submission.CheckAsync(content, Me, toSend: false, ct);
        }
        if (content.IsEmpty)
        {
            problems.Add((nameof(Input.Account), "Write something before saving a draft."));
        }
        ReportPages.AddProblems(ModelState, t, problems);
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }
        await submission.SaveDraftAsync(Me, content, ct);
        return Redirect("/speak-up/report?saved=true");
    }

    public async Task<IActionResult> OnPostDiscardDraftAsync(CancellationToken ct) =>
        await submission.DiscardDraftAsync(Me, ct) ? Redirect("/speak-up/report") : NotFound();

    /// <summary>Searches the directory for someone to name, keeping the rest of the form as it was (nothing is stored).</summary>
    public async Task<IActionResult> OnPostFindAsync(CancellationToken ct)
    {
        var search = Input.PersonSearch?.Trim();
        if (search is not { Length: >= 2 and <= SupportRequests.SearchMaxLength })
        {
            ModelState.AddModelError("Input.PersonSearch", t["Type at least two letters of a name to search, and no more than {0} characters.", SupportRequests.SearchMaxLength]);
            await LoadAsync(ct);
            return Page();
        }
        await LoadAsync(ct);
        Found = [.. (await directory.FindPeopleAsync(search, ct)).Where(p => Chosen.All(c => c.Id != p.Id))];
        Searched = true;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Fields = new ReportFieldsModel(Input, await ReportPages.DepartmentsAsync(db, ct), options, Anonymous: false);
        var named = Input.Named.Select(n => Guid.TryParse(n, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty && id != Me).Distinct().Take(ReportRules.MaxNamed).ToList();
        Chosen = await directory.PeopleAsync(named, ct);
        Journal = await journal.ListAsync(ct);
        HasDraft = await submission.OwnDraftAsync(Me, ct) is not null;
    }
}
