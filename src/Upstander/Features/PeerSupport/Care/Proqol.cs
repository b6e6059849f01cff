using System.Text.Json;
using System.Text.Json.Serialization;
using Upstander.Platform;

namespace Upstander.Features.PeerSupport.Care;

/// <summary>The instrument file cannot be used; the message names the file and each problem.</summary>
public sealed class InstrumentContentException(string message) : Exception(message), Platform.IStartupProblem;

public enum ProqolBand
{
    Low = 0,
    Moderate = 1,
    High = 2,
}

public sealed record ScalePoint(int Value, string Label);

public sealed record ProqolSubscale(string Id, string Name, IReadOnlyList<int> Items, IReadOnlyList<int> Reversed);

public sealed record ProqolCutOffs(int LowAtMost, int HighAtLeast, string Source);

/// <summary>Three subscale sums: compassion satisfaction, burnout (with its reverse-scored items) and secondary traumatic stress.</summary>
public sealed record ProqolScores(int CompassionSatisfaction, int Burnout, int SecondaryTraumaticStress);

/// <summary>
/// The ProQOL 5 as shipped in content/instruments/proqol5.json: 30 items on a 1 (Never) to 5 (Very Often)
/// scale, three subscales of ten items, and the cut-offs with their source. Scoring follows the manual:
/// each subscale is a plain sum (reverse-scored items count 6 minus the answer); 22 or less is low,
/// 23 to 41 moderate, 42 or more high.
/// </summary>
public sealed record ProqolInstrument(
    string Title,
    string Attribution,
    string Licence,
    string Link,
    string Instructions,
    IReadOnlyList<ScalePoint> Scale,
    IReadOnlyList<string> Items,
    IReadOnlyList<ProqolSubscale> Subscales,
    ProqolCutOffs CutOffs)
{
    public const int ItemCount = 30;
    public const string CompassionSatisfaction = "compassion-satisfaction";
    public const string Burnout = "burnout";
    public const string SecondaryTraumaticStress = "secondary-traumatic-stress";

    /// <summary>Scores 30 answers (item 1 first), each 1 to 5; throws <see cref="ArgumentException"/> otherwise.</summary>
    public ProqolScores Score(IReadOnlyList<int> answers)
    {
        if (answers.Count != ItemCount)
        {
            throw new ArgumentException($"The ProQOL 5 needs {ItemCount} answers, not {answers.Count}.", nameof(answers));
        }
        for (var i = 0; i < answers.Count; i++)
        {
            if (answers[i] is < 1 or > 5)
            {
                throw new ArgumentException($"Answer {i + 1} is {answers[i]}; answers are 1 to 5.", nameof(answers));
            }
        }
        int Sum(string id)
        {
            var subscale = Subscales.Single(s => s.Id == id);
            return subscale.Items.Sum(item => subscale.Reversed.Contains(item) ? 6 - answers[item - 1] : answers[item - 1]);
        }
        return new ProqolScores(Sum(CompassionSatisfaction), Sum(Burnout), Sum(SecondaryTraumaticStress));
    }

    public ProqolBand Band(int sum) => sum <= CutOffs.LowAtMost ? ProqolBand.Low : sum >= CutOffs.HighAtLeast ? ProqolBand.High : ProqolBand.Moderate;
}

internal static class ProqolLoader
{
    private sealed record File(string? Id, string? Title, string? Attribution, string? Licence, string? Link, string? Source, string? Instructions,
        List<ScalePoint>? Scale, List<string>? Items, List<ProqolSubscale>? Subscales, ProqolCutOffs? CutOffs);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private static readonly string[] SubscaleIds = [ProqolInstrument.CompassionSatisfaction, ProqolInstrument.Burnout, ProqolInstrument.SecondaryTraumaticStress];

    public static ProqolInstrument Load(string path)
    {
        const string where = "proqol5.json";
        File? file;
        try
        {
            file = System.IO.File.Exists(path)
                ? JsonSerializer.Deserialize<File>(System.IO.File.ReadAllText(path), Json)
                : throw new InstrumentContentException($"{where}: file is missing (looked for {path}).");
        }
        catch (JsonException e)
        {
            throw new InstrumentContentException($"{where}: {e.Message}");
        }
        if (file is null)
        {
            throw new InstrumentContentException($"{where}: file is empty.");
        }
        var errors = new List<string>();
        foreach (var (name, value) in new[] { ("title", file.Title), ("attribution", file.Attribution), ("licence", file.Licence), ("link", file.Link), ("instructions", file.Instructions) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{name} must not be empty.");
            }
        }
        if (file.Attribution is not null && !file.Attribution.Contains("Center for Victims of Torture", StringComparison.Ordinal))
        {
            errors.Add("attribution must credit the Center for Victims of Torture (the licence requires it).");
        }
        if (file.Link is not null && !file.Link.Contains("proqol.org", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("link must point to www.ProQOL.org (the licence requires it).");
        }
        if (file.Scale is not { Count: 5 } || file.Scale.Select(p => p.Value).SequenceEqual([1, 2, 3, 4, 5]) is false || file.Scale.Any(p => string.IsNullOrWhiteSpace(p.Label)))
        {
            errors.Add("scale must be the five points 1 to 5, each with a label.");
        }
        if (file.Items is not { Count: ProqolInstrument.ItemCount } || file.Items.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add($"items must be the {ProqolInstrument.ItemCount} item texts.");
        }
        var subscales = file.Subscales ?? [];
        if (!subscales.Select(s => s.Id).Order(StringComparer.Ordinal).SequenceEqual(SubscaleIds.Order(StringComparer.Ordinal)))
        {
            errors.Add($"subscales must be exactly {string.Join(", ", SubscaleIds)}.");
        }
        foreach (var s in subscales)
        {
            if (s.Items is not { Count: 10 } || s.Items.Distinct().Count() != 10 || s.Items.Any(i => i is < 1 or > ProqolInstrument.ItemCount))
            {
                errors.Add($"subscale {s.Id}: needs ten different item numbers from 1 to {ProqolInstrument.ItemCount}.");
            }
            if ((s.Reversed ?? []).Any(r => s.Items?.Contains(r) != true))
            {
                errors.Add($"subscale {s.Id}: a reverse-scored item is not one of its items.");
            }
        }
        if (subscales.SelectMany(s => s.Items ?? []).Distinct().Count() != ProqolInstrument.ItemCount)
        {
            errors.Add("subscales must together cover every item exactly once.");
        }
        if (file.CutOffs is not { } cut || cut.LowAtMost >= cut.HighAtLeast || string.IsNullOrWhiteSpace(cut.Source))
        {
            errors.Add("cutOffs needs lowAtMost below highAtLeast, and its source.");
        }
        if (errors.Count > 0)
        {
            throw new InstrumentContentException($"{where} is not valid:\n" + string.Join('\n', errors.Select(e => "  - " + e)));
        }
        return new ProqolInstrument(file.Title!.Trim(), file.Attribution!.Trim(), file.Licence!.Trim(), file.Link!.Trim(), file.Instructions!.Trim(),
            file.Scale!, file.Items!, subscales.Select(s => s with { Reversed = s.Reversed ?? [] }).ToList(), file.CutOffs!);
    }
}

/// <summary>The loaded instrument (a singleton), filled at start-up by <see cref="InstrumentContentStartup"/>.</summary>
public sealed class Instruments
{
    private ProqolInstrument? _proqol;

    public ProqolInstrument Proqol => _proqol ?? throw new InvalidOperationException("The ProQOL 5 has not been loaded.");

    public void Load(string folder) => _proqol = ProqolLoader.Load(Path.Combine(folder, "proqol5.json"));

    /// <summary>Instruments:ContentPath when set, else content/instruments beside the app or above the content root.</summary>
    public static string? ContentFolder(IConfiguration configuration, string contentRoot) =>
        ContentFolders.Find(configuration, contentRoot, "Instruments:ContentPath", "instruments", message => new InstrumentContentException(message));
}

/// <summary>Loads and checks the shipped instruments when the app starts; a broken or missing file stops start-up with a message naming it.</summary>
public sealed class InstrumentContentStartup(Instruments instruments, IConfiguration configuration, IWebHostEnvironment environment, ILogger<InstrumentContentStartup> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var folder = Instruments.ContentFolder(configuration, environment.ContentRootPath)
            ?? throw new InstrumentContentException("No instruments content folder (content/instruments) was found; set Instruments:ContentPath.");
        instruments.Load(folder);
        logger.LogInformation("Loaded the ProQOL 5 ({Items} items).", instruments.Proqol.Items.Count);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
