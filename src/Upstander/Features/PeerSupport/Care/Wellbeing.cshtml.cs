using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Security;

namespace Upstander.Features.PeerSupport.Care;

/// <summary>The supporter's own ProQOL 5 results, with plain guidance. Nobody else sees this page's figures.</summary>
[Authorize(Roles = Roles.PeerSupporter)]
public sealed class WellbeingModel(SupporterWellbeing wellbeing, CurrentActor actor) : PageModel
{
    public ProqolInstrument Instrument => wellbeing.Instrument;
    public IReadOnlyList<ProqolResponse> Results { get; private set; } = [];
    public bool Due { get; private set; }
    public bool Done { get; private set; }

    public async Task OnGetAsync(bool done, CancellationToken ct)
    {
        Done = done;
        Results = await wellbeing.OwnResultsAsync(actor.PersonId!.Value, ct);
        Due = await wellbeing.IsDueAsync(actor.PersonId!.Value, ct);
    }

    /// <summary>Plain guidance for a subscale's band (English localization keys).</summary>
    public static string Guidance(string subscale, ProqolBand band) => (subscale, band) switch
    {
        (ProqolInstrument.CompassionSatisfaction, ProqolBand.Low) => "Supporting others may feel less rewarding at the moment. That is worth talking over with a coordinator; small changes in how you take requests can help.",
        (ProqolInstrument.CompassionSatisfaction, ProqolBand.Moderate) => "You get a fair amount of satisfaction from supporting others. Notice what gives you that, and keep it in your week.",
        (ProqolInstrument.CompassionSatisfaction, _) => "You get a lot of satisfaction from supporting others. Keep looking after yourself so it stays that way.",
        (ProqolInstrument.Burnout, ProqolBand.Low) => "Little sign of burnout. Keep the habits that protect your energy.",
        (ProqolInstrument.Burnout, ProqolBand.Moderate) => "Some signs of feeling worn down. Think about lowering your caseload cap or pausing for a while, and look after your rest.",
        (ProqolInstrument.Burnout, _) => "Signs of burnout are high. Please think about pausing new requests, and ask a coordinator for a debrief: you do not have to carry this alone.",
        (_, ProqolBand.Low) => "Little sign that other people's distress is staying with you.",
        (_, ProqolBand.Moderate) => "Some of the distress you hear may be staying with you. Talking it through after hard conversations helps; ask for a debrief whenever you need one.",
        _ => "What you hear seems to be staying with you strongly. Please ask a coordinator for a debrief, and think about talking to your employee assistance programme or your doctor.",
    };

    public static string BandName(ProqolBand band) => band switch
    {
        ProqolBand.Low => "Low",
        ProqolBand.Moderate => "Moderate",
        _ => "High",
    };
}
