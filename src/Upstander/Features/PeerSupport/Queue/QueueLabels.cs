using System.Globalization;
using Microsoft.Extensions.Localization;
using Upstander.Features.PeerSupport.Matching;

namespace Upstander.Features.PeerSupport.Queue;

/// <summary>Localized words for the queue page: durations, why a request has no supporter, and the coordinator's summary of the matching funnel.</summary>
public static class QueueLabels
{
    public static string Reason(UnmatchedReason reason) => reason switch
    {
        UnmatchedReason.NoSupporterAvailable => "No supporter is available",
        UnmatchedReason.NoneSpeaksLanguage => "No available supporter speaks the language asked for",
        UnmatchedReason.AllInManagementChain => "Every available supporter is in the requester's management chain",
        UnmatchedReason.AllConnectedToNamedPeople => "Every available supporter is in the line of a person the requester named",
        UnmatchedReason.AllBlocked => "Every available supporter is blocked by the requester",
        _ => "Every eligible supporter is busy",
    };

    /// <summary>The counts left after each hard rule, or how many were eligible but busy.</summary>
    public static string Summary(UnmatchedExplanation unmatched, IStringLocalizer t) => unmatched.Funnel is { } f
        ? t["{0} supporters can take a case; {1} speak the language; {2} are outside the requester's chain; {3} are away from the named people's lines; {4} are not blocked.",
            f.Offered, f.SpeakLanguage, f.OutsideManagementChain, f.AwayFromNamedPeople, f.NotBlocked]
        : t["{0} supporters passed every rule but have no room.", unmatched.EligibleSupporters];

    /// <summary>"3 days 4 hours", "2 hours 5 minutes", "12 minutes"; a dash for none.</summary>
    public static string Duration(TimeSpan? span, IStringLocalizer t)
    {
        if (span is not { } s)
        {
            return "–";
        }
        if (s < TimeSpan.Zero)
        {
            s = TimeSpan.Zero;
        }
        if (s.TotalDays >= 1)
        {
            return t["{0} d {1} h", (int)s.TotalDays, s.Hours];
        }
        return s.TotalHours >= 1 ? t["{0} h {1} min", (int)s.TotalHours, s.Minutes] : t["{0} min", (int)s.TotalMinutes];
    }

    public static string Mean(double value) => value.ToString("0.0", CultureInfo.CurrentCulture);
}
