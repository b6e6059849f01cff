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
public sealed class TalkModel(SupportRequests requests, SafetyScreen screen, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty] public string? Topic { get; set; }
    [BindProperty] public string? Timing { get; set; }
    [BindProperty] public string? Channel { get; set; }
    [BindProperty] public bool OutsideDepartment { get; set; }
    [BindProperty] public string? Language { get; set; }
    [BindProperty] public List<string> Tags { get; set; } = [];
    [BindProperty] public string? ShowName { get; set; }
    [BindProperty] public string? Details { get; set; }

    public SafetyQuestions Questions => screen.Questions;

    public string? Answer(string questionId) => Request.HasFormContentType ? Request.Form["answer-" + questionId].ToString() : null;

    public void OnGet() => OutsideDepartment = true;

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var answers = screen.Questions.Questions.ToDictionary(q => q.Id, q => (string?)Request.Form["answer-" + q.Id].ToString());
        var (request, problems) = requests.Check(new RequestInput(Topic, Timing, Channel, OutsideDepartment, Language, Tags, ShowName, Details, answers));
        foreach (var (field, message) in problems)
        {
            ModelState.AddModelError(field, field == nameof(Details) ? t["What you wrote is longer than {0} characters.", SupportRequestRecord.DetailsMaxLength] : t[message]);
        }
        if (request is null || !ModelState.IsValid)
        {
            return Page();
        }
        var record = await requests.MakeAsync(request, ct);
        return Redirect($"/support/requests/{record.Id}?sent=true");
    }
}
