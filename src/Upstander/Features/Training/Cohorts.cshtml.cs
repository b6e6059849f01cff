using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Security;

namespace Upstander.Features.Training;

/// <summary>The coordinator's cohort view: learners by cohort, stuck and inactive learners, expiries, and sign-off requests.</summary>
[Authorize(Roles = Roles.Coordinator)]
public sealed class CohortsModel(CohortView view, SupporterCertification certification) : PageModel
{
    public IReadOnlyList<Cohort> Cohorts { get; private set; } = [];
    public IReadOnlyList<ExpiryRow> Expiries { get; private set; } = [];
    public IReadOnlyList<RequestRow> Requests { get; private set; } = [];
    public CertificationOptions Options => certification.Options;

    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Requests = await view.OpenRequestsAsync(ct);
        Cohorts = await view.CohortsAsync(ct);
        Expiries = await view.ExpiriesAsync(ct);
    }
}
