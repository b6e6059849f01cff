using Shouldly;
using Xunit;

namespace Upstander.Tests.TestHost;

/// <summary>The name check finds names a person could read and ignores base64 that happens to spell them.</summary>
public sealed class PageTextTests
{
    private const string Token = "<input name=\"__RequestVerificationToken\" type=\"hidden\" value=\"CfDJ8Ada9xk-ADAq_adA\" />";

    [Theory]
    [InlineData("<p>Your supporter is Ada Supporter.</p>")]
    [InlineData("<p>Your supporter is <strong>Ada</strong>.</p>")]
    [InlineData("<option value=\"Ada Supporter\">someone</option>")]
    [InlineData("<p>Ask &#x41;da for help</p>")]
    public void A_name_a_person_could_read_fails(string html) =>
        Should.Throw<ShouldAssertException>(() => PageText.ShouldNotName(Token + html, "Ada Supporter"));

    [Fact]
    public void The_same_letters_inside_a_token_or_another_word_pass() =>
        PageText.ShouldNotName(Token + "<p>A trained peer supporter. Adam's Canada office.</p>", "Ada Supporter");
}
