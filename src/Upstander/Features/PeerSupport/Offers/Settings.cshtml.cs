using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Features.PeerSupport.Matching;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Offers;

/// <summary>The coordinators' matching settings (weights, mode, answer times) and the list of current matches.</summary>
[Authorize(Roles = Roles.Coordinator)]
public sealed class SettingsModel(SupportOffers offers, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty] public string? OutsideDepartmentWeight { get; set; }
    [BindProperty] public string? SharedExperienceWeight { get; set; }
    [BindProperty] public string? LoadBalanceWeight { get; set; }
    [BindProperty] public string? FeedbackWeight { get; set; }
    [BindProperty] public string? Mode { get; set; }
    [BindProperty] public int? OfferHours { get; set; }
    [BindProperty] public int? UrgentOfferHours { get; set; }

    public bool Saved { get; private set; }
    public IReadOnlyList<OpenMatchRow> Matches { get; private set; } = [];

    public static readonly IReadOnlyList<(string Field, string Label, string Hint)> Weights =
    [
        (nameof(OutsideDepartmentWeight), "Someone from another department", "For people who ask for a supporter outside their department."),
        (nameof(SharedExperienceWeight), "Shared experience", "How much of the experience the person asked for the supporter has chosen to share."),
        (nameof(LoadBalanceWeight), "Spreading the work", "Prefer supporters with more room under their caseload cap."),
        (nameof(FeedbackWeight), "Past feedback", "What people said after earlier conversations, held towards neutral until there are several answers."),
    ];

    public async Task OnGetAsync(bool saved, CancellationToken ct)
    {
        Saved = saved;
        var s = await offers.SettingsAsync(ct);
        (OutsideDepartmentWeight, SharedExperienceWeight, LoadBalanceWeight, FeedbackWeight) =
            (Format(s.OutsideDepartmentWeight), Format(s.SharedExperienceWeight), Format(s.LoadBalanceWeight), Format(s.FeedbackWeight));
        (Mode, OfferHours, UrgentOfferHours) = (s.Mode.ToString(), s.OfferHours, s.UrgentOfferHours);
        Matches = await offers.OpenMatchesAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var weights = new Dictionary<string, double>();
        foreach (var (field, label, _) in Weights)
        {
            var raw = (string?)GetType().GetProperty(field)!.GetValue(this);
            if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value is >= 0 and <= MatchingOptions.MaxWeight)
            {
                weights[field] = value;
            }
            else
            {
                ModelState.AddModelError(field, t["\"{0}\" must be a number from 0 to {1}.", t[label], MatchingOptions.MaxWeight]);
            }
        }
        if (Mode is not (nameof(MatchingMode.RequesterChooses) or nameof(MatchingMode.Automatic)))
        {
            ModelState.AddModelError(nameof(Mode), t["Choose how matches are made."]);
        }
        if (OfferHours is not (>= 1 and <= MatchingSettings.MaxOfferHours))
        {
            ModelState.AddModelError(nameof(OfferHours), t["The time to answer must be a whole number of hours from 1 to {0}.", MatchingSettings.MaxOfferHours]);
        }
        else if (UrgentOfferHours is not { } urgent || urgent < 1 || urgent > OfferHours)
        {
            ModelState.AddModelError(nameof(UrgentOfferHours), t["The time to answer an urgent request must be at least 1 hour and no longer than the usual time."]);
        }
        MatchingOptions? options = null;
        if (ModelState.IsValid)
        {
            options = MatchingOptions.Default with
            {
                OutsideDepartmentWeight = weights[nameof(OutsideDepartmentWeight)],
                SharedExperienceWeight = weights[nameof(SharedExperienceWeight)],
                LoadBalanceWeight = weights[nameof(LoadBalanceWeight)],
                FeedbackWeight = weights[nameof(FeedbackWeight)],
                Mode = Enum.Parse<MatchingMode>(Mode!),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                ModelState.AddModelError(e.ParamName ?? "", t["The settings are not valid: {0}", e.ParamName ?? ""]);
            }
        }
        if (!ModelState.IsValid)
        {
            Matches = await offers.OpenMatchesAsync(ct);
            return Page();
        }
        await offers.SaveSettingsAsync(options!, OfferHours!.Value, UrgentOfferHours!.Value, ct);
        return Redirect("/coordinate/matching?saved=true");
    }

    private static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
