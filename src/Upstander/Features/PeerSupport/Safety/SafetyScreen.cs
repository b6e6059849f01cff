using Upstander.Platform;

namespace Upstander.Features.PeerSupport.Safety;

/// <summary>Safety content that cannot be used; the message names each file and what is wrong with it.</summary>
public sealed class SafetyContentException(string message) : Exception(message), IStartupProblem
{
    internal static SafetyContentException Listing(IEnumerable<string> errors) =>
        new("Safety content is not valid:\n" + string.Join('\n', errors.Select(e => "  - " + e)));
}

/// <summary>
/// The safety screen a "talk to someone" request goes through (docs/safety-screen.md): the screen
/// questions, and a check of the optional free text against every shipped lexicon. Singleton, loaded
/// at start-up; pure and thread-safe once loaded. It never logs, stores or returns the text.
/// </summary>
public sealed class SafetyScreen
{
    private Loaded? _loaded;

    private sealed record Loaded(SafetyQuestions Questions, RiskDetector Detector);

    public bool IsLoaded => _loaded is not null;

    /// <summary>The questions to ask, in order, with the answer labels.</summary>
    public SafetyQuestions Questions => Current.Questions;

    /// <summary>The languages whose lexicons are loaded (every one is always checked), and whether each has been reviewed.</summary>
    public IReadOnlyList<(string Language, string Name, bool Reviewed)> Languages =>
        [.. Current.Detector.Lexicons.Select(l => (l.Language, l.Name, l.Reviewed))];

    internal int PhraseCount => Current.Detector.PhraseCount;

    private Loaded Current => _loaded ?? throw new InvalidOperationException("The safety screen content has not been loaded; start-up should have loaded it or stopped.");

    /// <summary>Loads and checks questions.json and lexicons/*.json under <paramref name="root"/>; throws <see cref="SafetyContentException"/> naming each broken file.</summary>
    public void Load(string root)
    {
        List<string> errors = [];
        SafetyQuestions? questions = null;
        IReadOnlyList<RiskLexicon>? lexicons = null;
        try
        {
            questions = SafetyQuestionsLoader.Load(Path.Combine(root, "questions.json"));
        }
        catch (SafetyContentException e)
        {
            errors.Add(e.Message);
        }
        try
        {
            lexicons = RiskLexiconLoader.LoadAll(Path.Combine(root, "lexicons"));
        }
        catch (SafetyContentException e)
        {
            errors.Add(e.Message);
        }
        if (errors.Count > 0)
        {
            throw new SafetyContentException($"{string.Join('\n', errors)}\n(in {root})");
        }
        _loaded = new Loaded(questions!, new RiskDetector(lexicons!));
    }

    /// <summary>
    /// Screens a request: the answers (by question id; a question left out counts as "I'd rather not
    /// say") and the optional free text. The result says what to do and never contains the text.
    /// </summary>
    public SafetyScreenResult Screen(IReadOnlyDictionary<string, ScreenAnswer> answers, string? text)
    {
        var findings = Current.Questions.Evaluate(answers);
        var textResult = Check(text);
        var level = (RiskLevel)Math.Max((int)textResult.Level, (int)findings.Select(f => f.Level).DefaultIfEmpty().Max());
        var categories = findings.SelectMany(f => f.Categories).Concat(textResult.Categories).Distinct().Order().ToList();
        return new SafetyScreenResult(level, categories, findings, textResult);
    }

    /// <summary>Checks free text alone (for a later message in the same request, say).</summary>
    public TextRiskResult Check(string? text) => Current.Detector.Detect(text);

    /// <summary>
    /// Where the content lives: Safety:ContentPath when set (relative to the content root), else
    /// content/safety beside the app (a published copy), else found by walking up from the content root.
    /// </summary>
    public static string? ContentFolder(IConfiguration configuration, string contentRoot) =>
        ContentFolders.Find(configuration, contentRoot, "Safety:ContentPath", "safety", message => new SafetyContentException(message));
}

/// <summary>
/// Loads the safety screen content when the app starts. Unlike training content, missing content stops
/// start-up too: a screen without its lexicons would miss risk silently.
/// </summary>
public sealed class SafetyContentStartup(SafetyScreen screen, IConfiguration configuration, IWebHostEnvironment environment, ILogger<SafetyContentStartup> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var folder = SafetyScreen.ContentFolder(configuration, environment.ContentRootPath)
            ?? throw new SafetyContentException("No safety screen content folder (content/safety) was found; set Safety:ContentPath. The peer-support safety screen cannot run without it.");
        screen.Load(folder);
        logger.LogInformation("Loaded the safety screen: {Questions} questions, {Phrases} risk phrases in {Languages}.",
            screen.Questions.Questions.Count, screen.PhraseCount, string.Join(", ", screen.Languages.Select(l => l.Language)));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class PeerSupportSafetyServices
{
    public static IServiceCollection AddPeerSupportSafety(this IServiceCollection services)
    {
        services.AddSingleton<SafetyScreen>();
        services.AddScoped<SafetyAlerts>();
        services.AddHostedService<SafetyContentStartup>();
        return services;
    }
}
