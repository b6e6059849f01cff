using Upstander.Features.PeerSupport.Resources;
using Upstander.Platform.Data;

namespace Upstander.Features.Demo;

/// <summary>
/// Fills the demo organisation's support resources directory. The organisation's own services (its
/// assistance programme, HR, occupational health, legal advice) are fictional and say so, with numbers
/// from Ofcom's ranges kept for drama and addresses under the reserved example domain; the crisis lines
/// are real, well-known UK services (the demo organisation is in Leeds), plus the European emergency number.
/// </summary>
public sealed class DemoResources(AppDbContext db, TimeProvider clock)
{
    public static readonly IReadOnlyList<SupportResourceDetails> Entries =
    [
        new(ResourceKind.EmployeeAssistance, "Clearwater Employee Assistance (demo)",
            "A fictional provider for the demo. Free, confidential counselling by phone or video (up to six sessions), plus advice on money, housing and family matters.",
            "Everyone who works at Harbourview Health, and the people they live with", "0808 157 0123", null, "support@clearwater-eap.example",
            "https://clearwater-eap.example/", null, true, "GB", "English; other languages through an interpreter", false, false, true, 0),
        new(ResourceKind.HumanResources, "People and Culture team (demo)",
            "Questions about policies, adjustments, absence and raising a formal complaint. What you tell HR may be acted on by the organisation.",
            "Everyone who works at Harbourview Health", "0113 496 0417", null, "people@harbourview.example", null,
            "Monday to Friday, 9:00 to 17:00", false, "GB", "English", false, false, false, 0),
        new(ResourceKind.OccupationalHealth, "Occupational health service (demo)",
            "Health advice about your work: stress, returning after illness, adjustments. Your medical details stay with the clinicians; your manager only hears recommendations you agree to.",
            "Everyone who works at Harbourview Health; you can refer yourself", "0113 496 0552", null, "occupational.health@harbourview.example", null,
            "Monday to Friday, 8:30 to 16:30", false, "GB", "English", false, false, false, 0),
        new(ResourceKind.LegalAdvice, "Legal advice line (demo)",
            "A fictional service for the demo, provided through the employee assistance programme: a first conversation with a lawyer about employment, housing or family matters.",
            "Everyone who works at Harbourview Health", "0808 157 0456", null, null, "https://clearwater-eap.example/legal", "Monday to Friday, 9:00 to 20:00",
            false, "GB", "English", false, false, true, 0),
        new(ResourceKind.Helpline, "Emergency services",
            "Police, ambulance, fire service or coastguard, when someone is in danger or a life is at risk.",
            "Anyone in the United Kingdom", "999", null, null, null, null, true, "GB", null, true, true, false, 0),
        new(ResourceKind.Helpline, "European emergency number",
            "Police, ambulance or fire service anywhere in the European Union, and in many other countries including the United Kingdom.",
            "Anyone in Europe", "112", null, null, null, null, true, null, null, true, true, false, 10),
        new(ResourceKind.Helpline, "Samaritans",
            "Someone to talk to about anything that is troubling you, however big or small. Free to call from any phone.",
            "Anyone in the United Kingdom or Ireland", "116 123", null, "jo@samaritans.org", "https://www.samaritans.org/", null, true, "GB", "English; Welsh", true, false, true, 0),
        new(ResourceKind.Helpline, "Shout",
            "A free, confidential text service: text SHOUT to 85258 to talk to a trained volunteer.",
            "Anyone in the United Kingdom", null, "85258", null, "https://giveusashout.org/", null, true, "GB", "English", true, false, true, 1),
        new(ResourceKind.SelfHelpReading, "Every Mind Matters (NHS)",
            "Expert advice and practical tips for looking after your mental health, including stress, anxiety and sleep.",
            "Anyone", null, null, null, "https://www.nhs.uk/every-mind-matters/", null, false, "GB", "English", false, false, true, 0),
    ];

    public async Task SeedAsync(Guid organisationId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var entry in Entries)
        {
            db.Set<SupportResource>().Add(SupportResource.Create(organisationId, entry, null, now));
        }
        await db.SaveChangesAsync(ct);
    }
}
