using System.Text.RegularExpressions;
using Upstander.Features.Training;

namespace Upstander.Tests.Features.Training;

public sealed class LessonMarkdownTests
{
    private const string Hostile = """
        # Heading

        <script>alert('block')</script>

        <div onclick="steal()">An HTML block</div>

        Inline <img src=x onerror="alert(1)"> and <b onmouseover=alert(2)>bold</b>.

        [click me](javascript:alert(3)) and [sneaky](java&#09;script:alert(4)) and [data](data:text/html;base64,PHNjcmlwdD4=)

        ![tracker](https://evil.example/pixel.png) and <javascript:alert(5)>

        [vb](vbscript:msgbox) [ok](https://example.org/page) [relative](/training) [mail](mailto:help@example.org)

        <iframe src="https://evil.example"></iframe>
        """;

    [Fact]
    public void Hostile_content_leaves_no_markup_scripts_or_dangerous_links()
    {
        var html = LessonMarkdown.ToHtml(Hostile);
        var tags = Regex.Matches(html, "<\\s*([a-zA-Z0-9]+)").Select(m => m.Groups[1].Value.ToLowerInvariant()).Distinct().ToList();
        tags.ShouldNotContain("script");
        tags.ShouldNotContain("img");
        tags.ShouldNotContain("iframe");
        tags.ShouldNotContain("div");
        tags.ShouldAllBe(t => new[] { "h1", "p", "a", "em", "strong" }.Contains(t));
        Regex.IsMatch(html, "<[^>]*\\son[a-z]+\\s*=", RegexOptions.IgnoreCase).ShouldBeFalse("an event-handler attribute survived");
        Regex.Matches(html, "href=\"([^\"]*)\"").Select(m => m.Groups[1].Value)
            .ShouldBe(["https://example.org/page", "/training", "mailto:help@example.org"]);
        html.ShouldContain("&lt;script&gt;");
        html.ShouldContain("click me");
        html.ShouldContain("tracker");
    }

    [Fact]
    public void External_links_open_without_handing_over_the_page()
    {
        var html = LessonMarkdown.ToHtml("See [the guide](https://example.org/guide) or [home](/training).");
        html.ShouldContain("<a href=\"https://example.org/guide\" rel=\"noopener noreferrer\">the guide</a>");
        html.ShouldContain("<a href=\"/training\">home</a>");
    }

    [Fact]
    public void Ordinary_lesson_markdown_renders_as_expected()
    {
        var html = LessonMarkdown.ToHtml("Some **bold** text.\n\n- one\n- two\n\n> a quote");
        html.ShouldContain("<strong>bold</strong>");
        html.ShouldContain("<li>one</li>");
        html.ShouldContain("<blockquote>");
    }
}
