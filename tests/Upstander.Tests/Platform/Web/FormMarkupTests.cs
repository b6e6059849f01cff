using System.Text.RegularExpressions;

namespace Upstander.Tests.Platform.Web;

/// <summary>
/// Razor's form tag helper adds the antiforgery token only to a form whose address it generates. A form
/// with an address written out (needed where a page answers at two addresses) must ask for the token,
/// or every real browser's post is refused with 400 — which tests posting their own token never notice.
/// </summary>
public sealed partial class FormMarkupTests
{
    [Fact]
    public void Every_post_form_with_a_written_address_asks_for_the_antiforgery_token()
    {
        var features = SourceFolder();
        var offenders = Directory.EnumerateFiles(features, "*.cshtml", SearchOption.AllDirectories)
            .SelectMany(file => FormTag().Matches(File.ReadAllText(file)).Select(m => (File: Path.GetRelativePath(features, file), Tag: m.Value)))
            .Where(f => PostMethod().IsMatch(f.Tag) && WrittenAction().IsMatch(f.Tag) && !f.Tag.Contains("asp-antiforgery=\"true\"", StringComparison.Ordinal))
            .Select(f => $"{f.File}: {f.Tag}")
            .ToList();
        offenders.ShouldBeEmpty(string.Join(Environment.NewLine, offenders));
    }

    [Fact]
    public void The_check_finds_the_pages()
    {
        Directory.EnumerateFiles(SourceFolder(), "*.cshtml", SearchOption.AllDirectories)
            .Count(file => FormTag().IsMatch(File.ReadAllText(file))).ShouldBeGreaterThan(20);
    }

    private static string SourceFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "src", "Upstander", "Features");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("src/Upstander/Features was not found above the test output.");
    }

    [GeneratedRegex("<form\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex FormTag();

    [GeneratedRegex("method=\"post\"", RegexOptions.IgnoreCase)]
    private static partial Regex PostMethod();

    [GeneratedRegex("\\saction=\"", RegexOptions.IgnoreCase)]
    private static partial Regex WrittenAction();
}
