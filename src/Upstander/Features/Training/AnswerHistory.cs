namespace Upstander.Features.Training;

/// <summary>
/// The training evaluation counts answers as they stood at the end of the last completed quarter, so an answer a learner
/// may change (a reaction, a self-assessment) keeps, beside the current answer, the one it replaced when that one was
/// given before the quarter in progress began. At the end of every quarter that can still be the last completed one, the
/// answer that stood then is one of the two. An answer given and changed within the quarter in progress is never counted,
/// so it is not kept; the next change that keeps an answer replaces the one kept before.
/// </summary>
public static class AnswerHistory
{
    /// <summary>
    /// Whether the current answer, given at <paramref name="answeredAt"/> (default when there is none yet), is kept when it
    /// is changed in the quarter that started at <paramref name="quarterStarted"/>.
    /// </summary>
    public static bool KeepsCurrent(DateTimeOffset answeredAt, DateTimeOffset quarterStarted) =>
        answeredAt != default && answeredAt < quarterStarted;

    /// <summary>
    /// The answer that stood just before <paramref name="until"/>: the current one if it was given by then, else the kept
    /// one if that was; null when neither was.
    /// </summary>
    public static T? Before<T>(DateTimeOffset until, DateTimeOffset answeredAt, Func<T> current, DateTimeOffset? earlierAnsweredAt, Func<T> earlier)
        where T : class =>
        answeredAt != default && answeredAt < until ? current()
        : earlierAnsweredAt < until ? earlier()
        : null;
}
