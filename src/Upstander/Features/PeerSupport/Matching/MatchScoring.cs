namespace Upstander.Features.PeerSupport.Matching;

/// <summary>
/// Preference scores in whole points, so that the assignment's objective is exact: one unit of weight is
/// <see cref="PointsPerUnit"/> points, and each term is its weight times a value from 0 to 1, rounded.
/// A match's score is the sum of its four terms.
/// </summary>
public sealed class MatchScoring
{
    public const long PointsPerUnit = 1_000;

    private readonly MatchingOptions _options;

    public MatchScoring(MatchingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        OutsideWeightPoints = ToPoints(options.OutsideDepartmentWeight);
        TagsWeightPoints = ToPoints(options.SharedExperienceWeight);
        LoadWeightPoints = ToPoints(options.LoadBalanceWeight);
        FeedbackWeightPoints = ToPoints(options.FeedbackWeight);
    }

    public MatchingOptions Options => _options;
    public long OutsideWeightPoints { get; }
    public long TagsWeightPoints { get; }
    public long LoadWeightPoints { get; }
    public long FeedbackWeightPoints { get; }

    /// <summary>The most points the request-and-supporter terms (department, tags, feedback) can give.</summary>
    public long MaxPairPoints => OutsideWeightPoints + TagsWeightPoints + FeedbackWeightPoints;

    public static double ToScore(long points) => (double)points / PointsPerUnit;

    private static long ToPoints(double weight) => (long)Math.Round(weight * PointsPerUnit, MidpointRounding.AwayFromZero);

    private static long Scale(long weightPoints, double value) => (long)Math.Round(weightPoints * value, MidpointRounding.AwayFromZero);

    /// <summary>1 when the requester wants someone from another department and the supporter is in a different, known one.</summary>
    public static bool IsOutsideDepartment(SupportRequest request, SupporterProfile supporter) =>
        request.WantsOutsideDepartment && request.DepartmentId is { } mine && supporter.DepartmentId is { } theirs && mine != theirs;

    public long OutsidePoints(bool outside) => outside ? OutsideWeightPoints : 0;

    /// <summary>The share of the requester's wanted tags that the supporter has shared (0 when none were asked for).</summary>
    public long TagPoints(int shared, int wanted) => wanted == 0 ? 0 : Scale(TagsWeightPoints, (double)shared / wanted);

    /// <summary>
    /// The supporter's free share of their cap when they take their (slot+1)-th new case: 1 - (open + slot) / cap.
    /// It falls as slots fill, so spreading cases is preferred and the cost of each further case never falls.
    /// </summary>
    public long LoadPoints(SupporterProfile supporter, int slot) => Scale(LoadWeightPoints, LoadValue(supporter, slot));

    public static double LoadValue(SupporterProfile supporter, int slot) =>
        supporter.Cap <= 0 ? 0 : Math.Clamp(1 - (double)(supporter.OpenCases + slot) / supporter.Cap, 0, 1);

    /// <summary>
    /// Feedback as a shrunk (Bayesian) mean: the supporter's ratings plus <c>FeedbackPriorStrength</c> neutral
    /// pseudo-ratings, mapped from 1..5 to 0..1. No ratings gives the neutral prior; one rating moves it a little.
    /// </summary>
    public double FeedbackValue(FeedbackStats feedback)
    {
        var count = Math.Max(0, feedback.Count);
        var mean = count == 0 ? 0 : feedback.MeanRating;
        var shrunk = (count * mean + _options.FeedbackPriorStrength * _options.FeedbackPriorMean) / (count + _options.FeedbackPriorStrength);
        return Math.Clamp((shrunk - FeedbackStats.MinRating) / (FeedbackStats.MaxRating - FeedbackStats.MinRating), 0, 1);
    }

    public long FeedbackPoints(FeedbackStats feedback) => Scale(FeedbackWeightPoints, FeedbackValue(feedback));
}
