namespace Upstander.Features.PeerSupport.Matching;

/// <summary>
/// The coordinator's settings for matching: a weight for each preference (0 turns it off, at most
/// <see cref="MaxWeight"/>), how strongly the neutral prior holds feedback scores, and the mode.
/// Hard rules are not settings: they always hold.
/// </summary>
public sealed record MatchingOptions
{
    public const double MaxWeight = 100;
    public const int MaxSuggestions = 3;

    /// <summary>Weight of "the supporter works in another department" (only for requesters who want that).</summary>
    public double OutsideDepartmentWeight { get; init; } = 1.0;

    /// <summary>Weight of the share of the requester's wanted experience tags the supporter has shared.</summary>
    public double SharedExperienceWeight { get; init; } = 1.0;

    /// <summary>Weight of spare capacity: a supporter's free share of their cap at the case being given.</summary>
    public double LoadBalanceWeight { get; init; } = 0.5;

    /// <summary>Weight of past requester feedback (a shrunk mean, so a single rating cannot dominate).</summary>
    public double FeedbackWeight { get; init; } = 0.5;

    /// <summary>How many neutral pseudo-ratings every supporter starts with.</summary>
    public double FeedbackPriorStrength { get; init; } = 3;

    /// <summary>The neutral rating those pseudo-ratings have, on the 1 to 5 scale.</summary>
    public double FeedbackPriorMean { get; init; } = 3;

    public MatchingMode Mode { get; init; } = MatchingMode.RequesterChooses;

    public static MatchingOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        CheckWeight(OutsideDepartmentWeight, nameof(OutsideDepartmentWeight));
        CheckWeight(SharedExperienceWeight, nameof(SharedExperienceWeight));
        CheckWeight(LoadBalanceWeight, nameof(LoadBalanceWeight));
        CheckWeight(FeedbackWeight, nameof(FeedbackWeight));
        if (!double.IsFinite(FeedbackPriorStrength) || FeedbackPriorStrength <= 0 || FeedbackPriorStrength > 1_000)
        {
            throw new ArgumentException($"{nameof(FeedbackPriorStrength)} must be more than 0 and at most 1000 (was {FeedbackPriorStrength}).", nameof(FeedbackPriorStrength));
        }
        if (!double.IsFinite(FeedbackPriorMean) || FeedbackPriorMean < FeedbackStats.MinRating || FeedbackPriorMean > FeedbackStats.MaxRating)
        {
            throw new ArgumentException($"{nameof(FeedbackPriorMean)} must be a rating from 1 to 5 (was {FeedbackPriorMean}).", nameof(FeedbackPriorMean));
        }
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentException($"{nameof(Mode)} {(int)Mode} is not a matching mode.", nameof(Mode));
        }
    }

    private static void CheckWeight(double weight, string name)
    {
        if (!double.IsFinite(weight) || weight < 0 || weight > MaxWeight)
        {
            throw new ArgumentException($"{name} must be a number from 0 to {MaxWeight} (was {weight}); weights cannot be negative.", name);
        }
    }
}
