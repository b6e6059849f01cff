using System.Globalization;

namespace Upstander.Platform.Web;

/// <summary>How pages show a moment: in UTC, said so, with the month named in the reader's culture.</summary>
public static class Dates
{
    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("d MMMM yyyy, HH:mm", CultureInfo.CurrentCulture) + " UTC";
}
