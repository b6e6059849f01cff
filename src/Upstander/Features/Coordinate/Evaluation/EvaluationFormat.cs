using System.Globalization;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Features.Training;
using Upstander.Platform.Web;

namespace Upstander.Features.Coordinate.Evaluation;

public enum FigureKind
{
    Count,
    Rate,
    Mean,
    Points,
    Change,
}

/// <summary>How a figure reads on the page and in the CSV: a suppressed one reads "fewer than N people", one that does not apply "–".</summary>
public sealed class EvaluationFormat(IStringLocalizer<SharedResource> t, int minimumGroupSize)
{
    public string Suppressed => t["fewer than {0} people", minimumGroupSize].Value;

    /// <summary>For the CSV: the number itself (rates as fractions, invariant culture), "fewer than N", or empty when it does not apply.</summary>
    public string Raw(Figure figure) =>
        figure.Suppressed ? Suppressed : figure.Value is { } value ? Math.Round(value, 4).ToString("0.####", CultureInfo.InvariantCulture) : "";

    public string Of(Figure figure, FigureKind kind)
    {
        var culture = CultureInfo.CurrentCulture;
        if (figure.Suppressed)
        {
            return Suppressed;
        }
        if (figure.Value is not { } value)
        {
            return "–";
        }
        return kind switch
        {
            FigureKind.Count => value.ToString("0", culture),
            FigureKind.Rate => (value * 100).ToString("0", culture) + "%",
            FigureKind.Points => (value * 100).ToString("+0;-0;0", culture),
            FigureKind.Change => value.ToString("+0.0;-0.0;0.0", culture),
            _ => value.ToString("0.0", culture),
        };
    }

    /// <summary>
    /// The note on a row whose figures stand at an older quarter than the last completed one (fewer learners than the
    /// minimum have changed since), or null when they are up to date.
    /// </summary>
    public string? StandsAt(DateOnly? asOf) =>
        asOf is { } day ? t["As of {0} Q{1}: fewer than {2} learners have changed since.", day.Year, CalendarPeriod.QuarterOf(day), minimumGroupSize].Value : null;

    /// <summary>For the CSV: the last day of the quarter a row stands at.</summary>
    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A skill's growth in one cell: "3.0 → 4.2 (+1.2), 6 people".</summary>
    public string Growth(SkillGrowth growth) =>
        growth.Pairs.Suppressed
            ? Suppressed
            : growth.Pairs.Value is null or 0
                ? "–"
                : t["{0} → {1} ({2}), {3} people", Of(growth.Before, FigureKind.Mean), Of(growth.After, FigureKind.Mean), Of(growth.Change, FigureKind.Change), Of(growth.Pairs, FigureKind.Count)].Value;
}
