using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Upstander.Features.Training;

/// <summary>
/// Renders lesson Markdown safely: raw HTML is shown as text, images become their description,
/// links may only go to http, https, mailto or a relative address, and links to outside sites get
/// rel="noopener noreferrer".
/// </summary>
public static class LessonMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().Build();

    public static string ToHtml(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            if (link.IsImage || !IsSafe(link.Url))
            {
                link.ReplaceBy(new LiteralInline(PlainText(link)));
                continue;
            }
            if (IsExternal(link.Url))
            {
                link.GetAttributes().AddPropertyIfNotExist("rel", "noopener noreferrer");
            }
        }
        foreach (var autolink in document.Descendants<AutolinkInline>().ToList())
        {
            if (!IsSafe(autolink.Url) && !autolink.IsEmail)
            {
                autolink.ReplaceBy(new LiteralInline(autolink.Url));
            }
            else if (IsExternal(autolink.Url))
            {
                autolink.GetAttributes().AddPropertyIfNotExist("rel", "noopener noreferrer");
            }
        }
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }

    private static bool IsSafe(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return false;
        }
        // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:"), so judge it without them.
        var compact = new string(url.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray());
        var colon = compact.IndexOf(':', StringComparison.Ordinal);
        var firstSeparator = compact.IndexOfAny(['/', '?', '#']);
        var hasScheme = colon >= 0 && (firstSeparator < 0 || colon < firstSeparator);
        if (!hasScheme)
        {
            return !compact.StartsWith("//", StringComparison.Ordinal) || IsExternal(compact);
        }
        var scheme = compact[..colon].ToLowerInvariant();
        return scheme is "http" or "https" or "mailto";
    }

    private static bool IsExternal(string? url) =>
        url is not null && (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("//", StringComparison.Ordinal));

    private static string PlainText(ContainerInline container) =>
        string.Concat(container.Descendants<LiteralInline>().Select(l => l.Content.ToString()));
}
