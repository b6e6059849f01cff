using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Data;
using Upstander.Platform.Tenancy;
using Upstander.Platform.Web;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>
/// The anonymous report, from the organisation's public link, without signing in. Nothing about the visitor (address,
/// browser, device) is read or kept; the directory is never searchable here. On sending, the page shows the receipt
/// once, in the answer to the post itself, so it is never stored or sent again.
/// </summary>
[AllowAnonymous]
[Platform.Security.AnonymousVisitor]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Platform.Security.RateLimitPolicies.AnonymousReports)]
[RequestFormLimits(MultipartBodyLengthLimit = RequestSizeLimit.DefaultMaxBytes)]
public sealed class AnonymousModel(
    ReportSubmission submission, ReportFiles files, ReportLinks links, OrganisationScope scope, AppDbContext db,
    ReportingOptions options, IConfiguration configuration, IStringLocalizer<SharedResource> t) : PageModel
{
    [FromRoute] public string Slug { get; set; } = "";
    [BindProperty] public ReportForm Input { get; set; } = new();
    [BindProperty] public List<IFormFile> Files { get; set; } = [];

    public string OrganisationName { get; private set; } = "";
    public ReportFieldsModel Fields { get; private set; } = null!;

    /// <summary>Set only in the answer to a successful post: the receipt, grouped, shown this once, and where to use it.</summary>
    public ReceiptShown? Receipt { get; private set; }
    public ReportRecord? Sent { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await links.EnterAsync(Slug, scope, ct) is not { } organisation)
        {
            return NotFound();
        }
        await LoadAsync(organisation.Name, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await links.EnterAsync(Slug, scope, ct) is not { } organisation)
        {
            return NotFound();
        }
        var (content, problems) = Input.ToContent();
        if (content.Named.Count > 0 || content.JournalEntries.Count > 0)
        {
            problems.Add((nameof(Input.Named), "An anonymous report describes people in words."));
        }
        if (problems.Count == 0)
        {
            problems = await submission.CheckAsync(content, null, toSend: true, ct);
        }
        if (ReportRules.CheckPassphrase(Input.Passphrase, Input.PassphraseConfirmation) is { } passphraseProblem)
        {
            problems.Add((nameof(Input.Passphrase), passphraseProblem));
        }
        ReportPages.AddProblems(ModelState, t, problems);
        var (prepared, fileProblems) = await files.PrepareAsync(Files, identityHeld: true, ct);
        foreach (var (message, arguments) in fileProblems)
        {
            ModelState.AddModelError(nameof(Files), t[message, arguments]);
        }
        if (!ModelState.IsValid)
        {
            Input.Passphrase = Input.PassphraseConfirmation = null;
            await LoadAsync(organisation.Name, ct);
            return Page();
        }
        var (report, receipt) = await submission.SubmitAnonymousAsync(content, Input.Passphrase!, prepared, ct);
        Sent = report;
        Receipt = ReceiptShown.Of(receipt, Slug, configuration, Request);
        OrganisationName = organisation.Name;
        return Page();
    }

    private async Task LoadAsync(string organisationName, CancellationToken ct)
    {
        OrganisationName = organisationName;
        Fields = new ReportFieldsModel(Input, await ReportPages.DepartmentsAsync(db, ct), options, Anonymous: true);
    }
}
