using System.Security.Cryptography;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>
/// Whom an escrow group is about, or that the OPRF key holder could not be asked. <see cref="Person"/> is null when it was
/// asked and no record of the group names the person whose index the group has.
/// </summary>
public sealed record GroupSubject(bool Checked, Guid? Person)
{
    public static readonly GroupSubject Unavailable = new(false, null);
}

/// <summary>
/// Finds the person an escrow group is about by recomputing, at release, the matching index of the people its records name,
/// with the derivation the browser uses (<see cref="Oprf.RunAsync"/>, then <see cref="EscrowShares.Index"/>), and comparing it
/// in constant time with the group's π. The key is applied through <see cref="IOprfEvaluator"/>, so this works the same when
/// the key holder is a process of its own and Upstander holds no key: the point is blinded with a fresh r and unblinded
/// here. Release traffic is asked for as <see cref="ReleaseCaller"/>, never as a person, so it spends nobody's evaluations.
/// </summary>
public sealed class EscrowSubject(IOprfEvaluator evaluator, ILogger<EscrowSubject> logger)
{
    /// <summary>
    /// The caller id of release checks at the key holder: a version 0 id, which no account id (version 4 or 7) can be, so
    /// release checks have a bucket of their own there and never spend a person's.
    /// </summary>
    public static readonly Guid ReleaseCaller = new("00000000-0000-0000-0000-00000000e5c0");

    /// <summary>
    /// The person among <paramref name="named"/> whose index is <paramref name="index"/>. Tried most often named first, and
    /// no further once one matches: two people never share an index (π is a 256-bit hash of the OPRF output of each), so
    /// everyone else named is someone else. Unavailable when the key holder gives no answer for one that had to be tried.
    /// </summary>
    public async Task<GroupSubject> FindAsync(Guid organisationId, byte[] index, int threshold, IEnumerable<Guid> named, CancellationToken ct)
    {
        foreach (var person in named.GroupBy(p => p).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key))
        {
            if (await IndexOfAsync(organisationId, person, threshold, ct) is not { } personIndex)
            {
                return GroupSubject.Unavailable;
            }
            if (CryptographicOperations.FixedTimeEquals(personIndex, index))
            {
                return new(true, person);
            }
        }
        return new(true, null);
    }

    /// <summary>π of a group about <paramref name="personId"/> with threshold <paramref name="threshold"/>; null when the key holder gave no answer.</summary>
    public async Task<byte[]?> IndexOfAsync(Guid organisationId, Guid personId, int threshold, CancellationToken ct)
    {
        var outcome = OprfOutcome.Evaluated;
        try
        {
            var output = await Oprf.RunAsync(organisationId, personId, async blinded =>
            {
                var evaluation = await evaluator.EvaluateAsync(ReleaseCaller, blinded, ct);
                outcome = evaluation.Outcome;
                return evaluation.Outcome == OprfOutcome.Evaluated ? evaluation.Evaluated : null;
            });
            if (output is not null)
            {
                return EscrowShares.Index(output, threshold);
            }
        }
        catch (EscrowFormatException)
        {
            // The key holder answered something that is not a point on P-256.
            outcome = OprfOutcome.Unavailable;
        }
        logger.LogWarning("The OPRF key holder could not check an escrow group ({Outcome}); it stays held and is tried again.", outcome);
        return null;
    }
}
