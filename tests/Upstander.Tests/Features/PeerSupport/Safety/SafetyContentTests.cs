using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.PeerSupport.Safety;

/// <summary>The lexicon and question loaders refuse broken content, naming the file and the problem.</summary>
public sealed class SafetyContentTests : IDisposable
{
    private readonly string _root = SafetyContent.Copy();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Lexicon(string language) => Path.Combine(_root, "lexicons", language + ".json");

    private static void Edit(string path, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(File.ReadAllText(path))!;
        edit(node);
        File.WriteAllText(path, node.ToJsonString());
    }

    private string Failure() => Should.Throw<SafetyContentException>(() => new SafetyScreen().Load(_root)).Message;

    [Fact]
    public void The_shipped_content_loads()
    {
        var screen = new SafetyScreen();
        screen.Load(_root);
        screen.IsLoaded.ShouldBeTrue();
        screen.PhraseCount.ShouldBeGreaterThan(300);
    }

    [Fact]
    public void An_unknown_category_an_empty_phrase_and_a_duplicate_are_all_reported_with_the_file()
    {
        Edit(Lexicon("fr"), n =>
        {
            n["phrases"]!["selfharm"] = JsonNode.Parse("""{"high":["x y"]}""");
            n["phrases"]!["selfHarm"]!["high"]!.AsArray().Add(" ");
            n["phrases"]!["selfHarm"]!["high"]!.AsArray().Add("Me  SUICIDER");
        });
        var message = Failure();
        message.ShouldContain("lexicons/fr.json: unknown category \"selfharm\"");
        message.ShouldContain("lexicons/fr.json: selfHarm.high: a phrase is empty.");
        message.ShouldContain("lexicons/fr.json: selfHarm.high: phrase \"Me  SUICIDER\" duplicates \"me suicider\".");
    }

    [Fact]
    public void An_unknown_level_a_misplaced_gap_and_a_wrong_language_code_are_reported()
    {
        Edit(Lexicon("de"), n =>
        {
            n["language"] = "at";
            n["phrases"]!["selfHarm"]!["urgent"] = JsonNode.Parse("""["sterben"]""");
            n["phrases"]!["selfHarm"]!["high"]!.AsArray().Add("... sterben");
        });
        var message = Failure();
        message.ShouldContain("lexicons/de.json: language \"at\" does not match the file name (expected \"de\").");
        message.ShouldContain("lexicons/de.json: selfHarm: unknown level \"urgent\"");
        message.ShouldContain("phrase \"... sterben\" has a gap (...) at its start");
    }

    [Fact]
    public void A_file_that_is_not_json_is_named()
    {
        File.WriteAllText(Lexicon("pl"), "{ \"language\": ");
        Failure().ShouldContain("lexicons/pl.json:");
    }

    [Fact]
    public void A_screen_without_the_english_lexicon_does_not_load()
    {
        File.Delete(Lexicon("en"));
        Failure().ShouldContain("the English lexicon (en.json) is required.");
    }

    [Fact]
    public void A_broken_question_is_reported_with_the_file()
    {
        Edit(Path.Combine(_root, "questions.json"), n =>
        {
            n["questions"]![0]!["riskAnswer"] = "maybe";
            n["questions"]![1]!["categories"] = JsonNode.Parse("""["sadness"]""");
            n["answers"]!["ratherNotSay"] = "";
        });
        var message = Failure();
        message.ShouldContain("questions.json: question \"safe-now\": riskAnswer must be \"yes\" or \"no\".");
        message.ShouldContain("questions.json: question \"self-harm\": unknown category \"sadness\"");
        message.ShouldContain("questions.json: answers.ratherNotSay must not be empty.");
    }

    [Fact]
    public async Task The_app_loads_the_screen_at_start_up()
    {
        await using var factory = new UpstanderFactory();
        var screen = factory.Services.GetRequiredService<SafetyScreen>();
        screen.IsLoaded.ShouldBeTrue();
        screen.Check("i want to die").Level.ShouldBe(RiskLevel.High);
    }

    [Fact]
    public async Task A_broken_lexicon_stops_start_up_with_a_message_naming_the_file()
    {
        Edit(Lexicon("es"), n => n["phrases"]!["selfHarm"]!["high"]!.AsArray().Add(""));
        await using var factory = new UpstanderFactory(settings: new Dictionary<string, string?> { ["Safety:ContentPath"] = _root });
        var error = Should.Throw<SafetyContentException>(() => factory.Services.GetRequiredService<SafetyScreen>());
        error.Message.ShouldContain("lexicons/es.json: selfHarm.high: a phrase is empty.");
    }
}
