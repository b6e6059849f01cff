using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Requests;

/// <summary>
/// The "talk to someone" form: one page that works without JavaScript. The safety screen runs on submit;
/// the next page shows crisis resources first when it found any sign of risk. Everyone signed in.
/// </summary>
public sealed class TalkModel(
    SupportRequests requests, Offers.SupportOffers offers, SafetyScreen screen, IStringLocalizer<SharedResource> t, ILogger<TalkModel> logger) : PageModel
{
    [BindProperty] public string? Topic { get; set; }
    [BindProperty] public string? Timing { get; set; }
    [BindProperty] public string? Channel { get; set; }
    [BindProperty] public bool OutsideDepartment { get; set; }
    [BindProperty] public string? Language { get; set; }
    [BindProperty] public List<string> Tags { get; set; } = [];
    [BindProperty] public string? ShowName { get; set; }
    [BindProperty] public string? Details { get; set; }
    [BindProperty] public List<string> Named { get; set; } = [];
    [BindProperty] public string? HarmSearch { get; set; }

    /// <summary>The people already named (checked) and, after a search, the people found (not yet checked).</summary>
    public IReadOnlyList<NamedPerson> Chosen { get; private set; } = [];
    public IReadOnlyList<NamedPerson> Found { get; private set; } = [];
    public bool Searched { get; private set; }

    public SafetyQuestions Questions => screen.Questions;

    public string? Answer(string questionId) => Request.HasFormContentType ? Request.Form["answer-" + questionId].ToString() : null;

    public void OnGet() => OutsideDepartment = true;

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var answers = screen.Questions.Questions.ToDictionary(q => q.Id, q => (string?)Request.Form["answer-" + q.Id].ToString());
        var (request, problems) = await requests.CheckAsync(new RequestInput(Topic, Timing, Channel, OutsideDepartment, Language, Tags, ShowName, Details, answers, Named), ct);
        foreach (var (field, message) in problems)
        {
            ModelState.AddModelError(field, field == nameof(Details) ? t["What you wrote is longer than {0} characters.", SupportRequestRecord.DetailsMaxLength] : t[message]);
        }
        if (request is null || !ModelState.IsValid)
        {
            await LoadChosenAsync(ct);
            return Page();
        }
        var record = await requests.MakeAsync(request, ct);
        try
        {
            await offers.RunAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The request is stored, and the matching runner looks at the queue again within a minute: the person is shown
            // their request (and crisis resources first when they need them), not an error for a request that was sent,
            // which they would send a second time.
            logger.LogError(e, "Matching right after a request was made failed; the matching runner will try again.");
        }
        return Redirect($"/support/requests/{record.Id}?sent=true");
    }

    /// <summary>
    /// Searches the directory for someone to name, keeping everything else on the form as it was (nothing is
    /// stored). Works without JavaScript: the search button posts the whole form to this handler.
    /// </summary>
    public async Task<IActionResult> OnPostFindAsync(CancellationToken ct)
    {
        var search = HarmSearch?.Trim();
        if (search is not { Length: >= 2 and <= SupportRequests.SearchMaxLength })
        {
            ModelState.AddModelError(nameof(HarmSearch), t["Type at least two letters of a name to search, and no more than {0} characters.", SupportRequests.SearchMaxLength]);
            await LoadChosenAsync(ct);
            return Page();
        }
        await LoadChosenAsync(ct);
        Found = [.. (await requests.FindPeopleAsync(search, ct)).Where(p => Chosen.All(c => c.Id != p.Id))];
        Searched = true;
        return Page();
    }

    private async Task LoadChosenAsync(CancellationToken ct) =>
        Chosen = await requests.PeopleAsync([.. Named.Select(n => Guid.TryParse(n, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).Distinct().Take(SupportRequests.MaxNamed)], ct);
}
