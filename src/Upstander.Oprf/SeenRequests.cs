using System.Collections.Concurrent;
using Upstander.Features.SpeakUp.Escrow;

namespace Upstander.Oprf;

/// <summary>
/// The answers given to signed requests that could still arrive again: a signature is accepted for
/// <see cref="OprfSignature.Window"/> either side of its timestamp, so a captured request can be replayed until then.
/// A replay gets the answer the request already got (the evaluation is deterministic, so it learns nothing new) and
/// does not count against the caller's or the shared limit: someone who captured a request cannot use it to use up
/// a reporter's evaluations. Entries are dropped once their signature can no longer verify. On the injected clock.
/// </summary>
public sealed class SeenRequests(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, (string Evaluated, DateTimeOffset Until)> _answers = new(StringComparer.Ordinal);
    private long _nextSweepTicks;

    public bool TryGetAnswer(string signature, out string evaluated)
    {
        if (_answers.TryGetValue(signature, out var seen) && seen.Until >= clock.GetUtcNow())
        {
            evaluated = seen.Evaluated;
            return true;
        }
        evaluated = "";
        return false;
    }

    /// <summary>Keeps the answer for as long as the signature (made at <paramref name="signedAt"/>) can verify.</summary>
    public void Remember(string signature, DateTimeOffset signedAt, string evaluated)
    {
        var now = clock.GetUtcNow();
        _answers[signature] = (evaluated, signedAt + OprfSignature.Window);
        var next = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks >= next && Interlocked.CompareExchange(ref _nextSweepTicks, (now + OprfSignature.Window).UtcTicks, next) == next)
        {
            foreach (var (key, seen) in _answers)
            {
                if (seen.Until < now)
                {
                    _answers.TryRemove(KeyValuePair.Create(key, seen));
                }
            }
        }
    }
}
