using System.Runtime.CompilerServices;

namespace Upstander.BrowserTests.Site;

/// <summary>Journeys wait for pages through <see cref="Arriving"/>, never through the Playwright waits that can lose their event.</summary>
public sealed class ArrivingConventionTests
{
    private static readonly string[] Forbidden = ["WaitForURLAsync(", "WaitForLoadStateAsync(", "WaitForNavigationAsync(", "RunAndWaitForNavigationAsync("];

    [Fact]
    public void No_journey_waits_for_a_page_with_a_wait_that_can_lose_its_event()
    {
        var project = Path.GetDirectoryName(Path.GetDirectoryName(ThisFile()))!;
        var offenders = Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && Path.GetFileName(file) is not ("Arriving.cs" or "ArrivingConventionTests.cs"))
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (file, line, number: index + 1)))
            .Where(hit => Forbidden.Any(call => hit.line.Contains(call, StringComparison.Ordinal)))
            .Select(hit => $"{Path.GetRelativePath(project, hit.file)}:{hit.number}: {hit.line.Trim()}")
            .ToList();

        offenders.ShouldBeEmpty("use page.ShouldArriveAtAsync or page.ShouldHaveLoadedAsync (Site/Arriving.cs) instead");
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
