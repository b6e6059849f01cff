using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Features.Training;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Care;

/// <summary>A supporter's availability, pause, caseload cap, languages and the experience they choose to share.</summary>
[Authorize(Roles = Roles.PeerSupporter)]
public sealed class AvailabilityModel(SupporterCare care, SupporterCertification certification, CurrentActor actor, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty] public bool Available { get; set; }
    [BindProperty] public DateOnly? PausedUntil { get; set; }
    [BindProperty] public int? Cap { get; set; } = SupporterSettings.DefaultCap;
    [BindProperty] public string? Languages { get; set; }
    [BindProperty] public List<string> Tags { get; set; } = [];

    public bool IsCurrent { get; private set; }
    public bool IsPaused { get; private set; }
    public bool Saved { get; private set; }
    public string Today => care.Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public async Task OnGetAsync(bool saved, CancellationToken ct)
    {
        Saved = saved;
        if (await care.SettingsAsync(actor.PersonId!.Value, ct) is { } s)
        {
            (Available, PausedUntil, Cap, Languages, Tags) = (s.Available, s.PausedUntil, s.Cap, string.Join(", ", s.LanguageList), [.. s.TagList]);
        }
        await LoadStatusAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var errors = new List<(string Field, string Message, object[] Args)>();
        var valid = ModelState.IsValid ? care.ValidateSettings(new SettingsInput(Available, PausedUntil, Cap, Languages, Tags), errors) : null;
        foreach (var (field, message, args) in errors)
        {
            ModelState.AddModelError(field, t[message, args]);
        }
        if (valid is null)
        {
            await LoadStatusAsync(ct);
            return Page();
        }
        await care.SaveSettingsAsync(actor.PersonId!.Value, valid, ct);
        return Redirect("/supporter/availability?saved=true");
    }

    public async Task<IActionResult> OnPostResumeAsync(CancellationToken ct)
    {
        await care.ResumeAsync(actor.PersonId!.Value, ct);
        return Redirect("/supporter/availability?saved=true");
    }

    private async Task LoadStatusAsync(CancellationToken ct)
    {
        IsCurrent = await certification.IsCurrentAsync(actor.PersonId!.Value, ct);
        IsPaused = PausedUntil is { } until && until >= care.Today;
    }
}
