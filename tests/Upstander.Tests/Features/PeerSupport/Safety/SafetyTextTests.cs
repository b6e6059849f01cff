using Upstander.Features.PeerSupport.Safety;

namespace Upstander.Tests.Features.PeerSupport.Safety;

/// <summary>The normalisation the detector relies on for recall.</summary>
public sealed class SafetyTextTests
{
    private static readonly Dictionary<string, string[]> Contractions = new(StringComparer.Ordinal)
    {
        ["don't"] = ["do", "not"],
        ["dont"] = ["do", "not"],
    };

    private static string Words(string text) =>
        string.Join(' ', SafetyText.Tokenise(text, Contractions).Select(t => string.Join('/', t.Forms)));

    [Theory]
    [InlineData("I DON'T Want", "i do not want")]
    [InlineData("i dont want", "i do not want")]
    [InlineData("I don\u2019t want", "i do not want")]
    [InlineData("Café déjà Świat Straße łza", "cafe deja swiat strasse lza")]
    [InlineData("ｋｉｌｌ ｍｙｓｅｌｆ", "kill myself")]
    [InlineData("e\u0301te\u0301", "ete")]
    [InlineData("k1ll", "kill/kll")]
    [InlineData("$uicide 5ad d34d", "suicide sad dead")]
    [InlineData("diiiie killllll", "diie kill")]
    [InlineData("k i l l me", "kill me")]
    [InlineData("s.u.i.c.i.d.e", "suicide")]
    [InlineData("help me!", "help me")]
    [InlineData("2024 100", "2024 100")]
    [InlineData("أُرِيدُ أَنْ أَمُوتَ", "اريد ان اموت")]
    public void Text_is_folded_for_matching(string text, string expected) => Words(text).ShouldBe(expected);

    [Fact]
    public void Spans_point_into_the_original_text_even_when_folding_changes_its_length()
    {
        const string text = "Straße, ｋｉｌｌ!";
        var tokens = SafetyText.Tokenise(text, Contractions);
        tokens.Select(t => text[t.Start..t.End]).ShouldBe(["Straße", "ｋｉｌｌ"]);
    }

    [Fact]
    public void A_sentence_break_is_remembered_for_negation()
    {
        var tokens = SafetyText.Tokenise("not. ok, fine", Contractions);
        tokens.Select(t => t.BreakBefore).ShouldBe([false, true, true]);
    }

    [Theory]
    [InlineData("suicide", "suicde", true)]
    [InlineData("suicide", "suicdie", true)]
    [InlineData("suicide", "suiicide", true)]
    [InlineData("suicide", "suicidal", false)]
    [InlineData("myself", "mysefl", true)]
    [InlineData("myself", "yourself", false)]
    public void One_edit_is_tolerated_and_two_are_not(string a, string b, bool within) =>
        SafetyText.WithinOneEdit(a, b).ShouldBe(within);
}
