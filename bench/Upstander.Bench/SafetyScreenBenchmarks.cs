using System.Text;
using BenchmarkDotNet.Attributes;
using Upstander.Features.PeerSupport.Safety;

namespace Upstander.Bench;

/// <summary>
/// What the peer-support safety screen costs per request: checking a 2,000-character free text against
/// every shipped lexicon (bench/results/safety-screen.md).
/// </summary>
[MemoryDiagnoser]
public class SafetyScreenBenchmarks
{
    private readonly SafetyScreen _screen = new();
    private string _ordinary = "";
    private string _risky = "";
    private Dictionary<string, ScreenAnswer> _answers = [];

    [GlobalSetup]
    public void Setup()
    {
        _screen.Load(Path.Combine(AppContext.BaseDirectory, "content", "safety"));
        _ordinary = Text(
            "My manager shouts at me in meetings and takes credit for my work. I've been left out of every " +
            "meeting about my own project, and this deadline is killing me. I don't know who to talk to; " +
            "I'd like someone to listen before I decide whether to make a complaint about the way the team treats me. ");
        _risky = Text(
            "He said he'd wait for me in the car park after my shift. Honestly some days I don't want to be here " +
            "anymore and I think everyone would be better off without me. I'm not suicidal but I can't go on like this. ");
        _answers = new() { ["safe-now"] = ScreenAnswer.Yes, ["self-harm"] = ScreenAnswer.No, ["harm-others"] = ScreenAnswer.No };
    }

    private static string Text(string paragraph)
    {
        var builder = new StringBuilder();
        while (builder.Length < 2000)
        {
            builder.Append(paragraph);
        }
        return builder.ToString(0, 2000);
    }

    [Benchmark(Description = "Screen 2,000 chars, ordinary text")]
    public SafetyScreenResult Ordinary() => _screen.Screen(_answers, _ordinary);

    [Benchmark(Description = "Screen 2,000 chars, many risk phrases")]
    public SafetyScreenResult Risky() => _screen.Screen(_answers, _risky);

    [Benchmark(Description = "Load and compile all lexicons")]
    public bool Load()
    {
        var screen = new SafetyScreen();
        screen.Load(Path.Combine(AppContext.BaseDirectory, "content", "safety"));
        return screen.IsLoaded;
    }
}
