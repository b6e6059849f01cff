using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Care;

/// <summary>The ProQOL 5: 30 items, each Never to Very Often. Only the three subscale sums are kept.</summary>
[Authorize(Roles = Roles.PeerSupporter)]
public sealed class QuestionnaireModel(SupporterWellbeing wellbeing, CurrentActor actor, IStringLocalizer<SharedResource> t) : PageModel
{
    public ProqolInstrument Instrument => wellbeing.Instrument;

    [BindProperty] public List<int?> Answers { get; set; } = [];

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var answers = Enumerable.Range(0, ProqolInstrument.ItemCount).Select(i => i < Answers.Count ? Answers[i] : null).ToList();
        if (!ModelState.IsValid || Answers.Count > ProqolInstrument.ItemCount)
        {
            ModelState.AddModelError(nameof(Answers), t["Some answers could not be read. Choose one answer for each question."]);
        }
        foreach (var (answer, index) in answers.Select((a, i) => (a, i)).Where(x => x.a is not (>= 1 and <= 5)))
        {
            ModelState.AddModelError($"Answers[{index}]", t["Answer question {0}.", index + 1]);
        }
        if (!ModelState.IsValid)
        {
            Answers = answers;
            return Page();
        }
        await wellbeing.RecordAsync(actor.PersonId!.Value, [.. answers.Select(a => a!.Value)], ct);
        return Redirect("/supporter/wellbeing?done=true");
    }
}
