using System.Globalization;
using System.Text;

namespace Upstander.Features.PeerSupport.Conversations;

/// <summary>
/// An RFC 5545 calendar file for one accepted call or meeting: one VEVENT with its UID, DTSTAMP and UTC start and end,
/// a neutral summary and, only when a participant typed one, the place. CRLF line endings, text escaped, long lines
/// folded at 75 octets.
/// </summary>
public static class CalendarFile
{
    public const string ContentType = "text/calendar; charset=utf-8";

    public static string For(Guid meetingId, DateTimeOffset start, DateTimeOffset end, DateTimeOffset stamp, string summary, string? description, string? place)
    {
        var lines = new List<string>
        {
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Upstander//Peer support//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "BEGIN:VEVENT",
            $"UID:{meetingId:D}@upstander",
            "DTSTAMP:" + Utc(stamp),
            "DTSTART:" + Utc(start),
            "DTEND:" + Utc(end),
            "SUMMARY:" + Escape(summary),
        };
        if (description is not null)
        {
            lines.Add("DESCRIPTION:" + Escape(description));
        }
        if (place is not null)
        {
            lines.Add("LOCATION:" + Escape(place));
        }
        lines.Add("END:VEVENT");
        lines.Add("END:VCALENDAR");
        var output = new StringBuilder();
        foreach (var line in lines)
        {
            Fold(output, line);
        }
        return output.ToString();
    }

    public static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma and new lines.</summary>
    public static string Escape(string text) => text
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace(";", "\\;", StringComparison.Ordinal)
        .Replace(",", "\\,", StringComparison.Ordinal)
        .Replace("\r\n", "\\n", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal)
        .Replace("\r", "\\n", StringComparison.Ordinal);

    /// <summary>Content lines longer than 75 octets continue on the next line after CRLF and a space, never inside a character.</summary>
    private static void Fold(StringBuilder output, string line)
    {
        var octets = 0;
        foreach (var rune in line.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (octets + size > 75)
            {
                output.Append("\r\n ");
                octets = 1;
            }
            output.Append(rune.ToString());
            octets += size;
        }
        output.Append("\r\n");
    }
}
