using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>Bound from "SpeakUp". Defaults suit a real deployment.</summary>
public sealed class ReportingOptions
{
    /// <summary>Where encrypted evidence files live; by default "uploads" beside the data folder.</summary>
    public string? UploadsDirectory { get; set; }

    public int MaxFiles { get; set; } = 5;
    public long MaxFileBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>PBKDF2-SHA256 iterations for anonymous reporters' passphrases (stored with each hash).</summary>
    public int PassphraseIterations { get; set; } = 600_000;

    /// <summary>Follow-up sign-in attempts one client may make in <see cref="FollowUpWindowMinutes"/>.</summary>
    public int FollowUpAttemptsPerClient { get; set; } = 5;

    /// <summary>Failed follow-up sign-ins the whole installation accepts in <see cref="FollowUpWindowMinutes"/> before pausing them all.</summary>
    public int FollowUpFailuresGlobal { get; set; } = 200;

    public int FollowUpWindowMinutes { get; set; } = 15;

    /// <summary>How long a follow-up session lasts after the receipt and passphrase were accepted.</summary>
    public int FollowUpSessionMinutes { get; set; } = 30;
}

/// <summary>
/// Anonymous reporters' receipts and passphrases. A receipt is 16 random digits shown once; the database keeps only
/// an HMAC-SHA256 of it under a key derived from the audit key (wrapped by the master key), so the database alone
/// cannot test guesses. The passphrase is kept as a salted PBKDF2-SHA256 hash. Singleton.
/// </summary>
public sealed class Receipts(KeyRing keys, ReportingOptions options)
{
    public const int Digits = 16;

    /// <summary>A new receipt: 16 digits from the system's cryptographic random generator.</summary>
    public static string New()
    {
        var digits = new char[Digits];
        for (var i = 0; i < Digits; i++)
        {
            digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        }
        return new string(digits);
    }

    /// <summary>Grouped for reading: "1234 5678 9012 3456".</summary>
    public static string Format(string receipt) => string.Join(' ', Enumerable.Range(0, Digits / 4).Select(g => receipt.Substring(g * 4, 4)));

    /// <summary>The 16 digits of what someone typed (spaces and dashes ignored); null when it is not a receipt.</summary>
    public static string? Normalise(string? typed)
    {
        if (typed is null || typed.Length > 40)
        {
            return null;
        }
        var digits = new string([.. typed.Where(c => c is not (' ' or '-'))]);
        return digits.Length == Digits && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    public string Lookup(string receipt)
    {
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, keys.AuditKey(), 32, info: "upstander speak-up receipt lookup v1"u8.ToArray());
        return Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(receipt)));
    }

    public string HashPassphrase(string passphrase)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var iterations = Math.Max(1000, options.PassphraseIterations);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), salt, iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>Checks a passphrase in constant time; a missing hash still costs one derivation, so timing does not tell.</summary>
    public bool VerifyPassphrase(string passphrase, string? stored)
    {
        var parts = stored?.Split('$') ?? [];
        var valid = parts.Length == 4 && parts[0] == "pbkdf2-sha256" && int.TryParse(parts[1], out _);
        var iterations = valid ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : Math.Max(1000, options.PassphraseIterations);
        var salt = valid ? Convert.FromBase64String(parts[2]) : new byte[16];
        var expected = valid ? Convert.FromBase64String(parts[3]) : new byte[32];
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), salt, iterations, HashAlgorithmName.SHA256, 32);
        return CryptographicOperations.FixedTimeEquals(actual, expected) && valid;
    }
}

/// <summary>
/// Limits follow-up sign-in attempts: a few per client (keyed in memory by a salted hash of the remote address, never
/// stored or logged) and a ceiling on failures across the installation, so receipts cannot be guessed. Singleton.
/// </summary>
public sealed class FollowUpThrottle(ReportingOptions options, TimeProvider clock)
{
    private readonly byte[] _salt = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _clients = new(StringComparer.Ordinal);
    private readonly Queue<DateTimeOffset> _failures = new();
    private readonly Lock _gate = new();

    private TimeSpan Window => TimeSpan.FromMinutes(options.FollowUpWindowMinutes);

    /// <summary>Counts an attempt from this client; false when the client or the installation has had too many.</summary>
    public bool TryAttempt(HttpContext context)
    {
        var now = clock.GetUtcNow();
        var key = Convert.ToBase64String(HMACSHA256.HashData(_salt, Encoding.UTF8.GetBytes(ClientAddress.Key(context))));
        lock (_gate)
        {
            Trim(_failures, now);
            if (_failures.Count >= options.FollowUpFailuresGlobal)
            {
                return false;
            }
            if (_clients.Count > 10_000)
            {
                foreach (var (client, times) in _clients)
                {
                    Trim(times, now);
                    if (times.Count == 0)
                    {
                        _clients.TryRemove(client, out _);
                    }
                }
            }
            var attempts = _clients.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
            Trim(attempts, now);
            if (attempts.Count >= options.FollowUpAttemptsPerClient)
            {
                return false;
            }
            attempts.Enqueue(now);
            return true;
        }
    }

    public void Failed()
    {
        lock (_gate)
        {
            _failures.Enqueue(clock.GetUtcNow());
        }
    }

    private void Trim(Queue<DateTimeOffset> times, DateTimeOffset now)
    {
        while (times.Count > 0 && now - times.Peek() >= Window)
        {
            times.Dequeue();
        }
    }
}
