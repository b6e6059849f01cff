using System.Globalization;
using Microsoft.Extensions.Options;

namespace Upstander.Features.Training;

/// <summary>
/// The certification settings, from the "Training" section. Checked when the app starts: a value that is
/// not a whole number in range stops start-up with a message naming the key.
/// </summary>
public sealed class CertificationOptions
{
    /// <summary>How long a certificate lasts, and how much a renewal adds.</summary>
    public int CertificateMonths { get; set; } = 12;

    /// <summary>How many days before expiry the supporter is reminded to renew.</summary>
    public int ReminderDays { get; set; } = 30;

    /// <summary>How many days before expiry the refresher run opens (and the cohort view lists the expiry).</summary>
    public int RefresherWindowDays { get; set; } = 60;

    /// <summary>A learner with no activity for this many days is flagged inactive in the cohort view.</summary>
    public int InactiveDays { get; set; } = 21;

    /// <summary>Failed attempts at one check, with no pass, after which a learner is flagged stuck.</summary>
    public const int StuckFailedAttempts = 3;

    public TimeSpan ReminderWindow => TimeSpan.FromDays(ReminderDays);

    public TimeSpan RefresherWindow => TimeSpan.FromDays(RefresherWindowDays);

    internal List<string> Problems { get; } = [];

    internal static readonly (string Key, int Min, int Max)[] Ranges =
    [
        ("CertificateMonths", 1, 120),
        ("ReminderDays", 1, 365),
        ("RefresherWindowDays", 1, 365),
        ("InactiveDays", 1, 365),
    ];

    /// <summary>Reads the section by hand, so a bad value is reported by key rather than as a conversion error.</summary>
    internal void Read(IConfiguration configuration)
    {
        foreach (var (key, min, max) in Ranges)
        {
            if (configuration[$"Training:{key}"] is not { } raw)
            {
                continue;
            }
            if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                Problems.Add($"Training:{key} must be a whole number from {min} to {max} (it is \"{raw}\").");
                continue;
            }
            switch (key)
            {
                case "CertificateMonths": CertificateMonths = value; break;
                case "ReminderDays": ReminderDays = value; break;
                case "RefresherWindowDays": RefresherWindowDays = value; break;
                default: InactiveDays = value; break;
            }
        }
        if (Problems.Count == 0 && ReminderDays > RefresherWindowDays)
        {
            Problems.Add($"Training:ReminderDays ({ReminderDays}) must not be more than Training:RefresherWindowDays ({RefresherWindowDays}): the reminder links to a refresher that must already be open.");
        }
    }
}

public sealed class CertificationOptionsValidation : IValidateOptions<CertificationOptions>
{
    public ValidateOptionsResult Validate(string? name, CertificationOptions options) =>
        options.Problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(options.Problems);
}
