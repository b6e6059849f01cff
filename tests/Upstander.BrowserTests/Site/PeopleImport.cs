using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Site;

/// <summary>One line of the import report: the spreadsheet row, the column as the file names it, and what is wrong.</summary>
public sealed record ImportProblem(int Row, string Column, string Problem);

/// <summary>The people import as an admin goes through it: upload a file, read the report, choose, follow the import.</summary>
public static class PeopleImport
{
    /// <summary>How long an import of a few rows may take to finish before the test gives up.</summary>
    private static readonly TimeSpan ImportTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// On the import page: writes <paramref name="csv"/> to a file named <paramref name="fileName"/>,
    /// chooses it, asks for it to be checked and waits for the report page, then removes the file.
    /// </summary>
    public static async Task UploadAsync(this IPage page, string fileName, string csv)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Import people", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
        var folder = Directory.CreateTempSubdirectory("upstander-import-");
        try
        {
            var path = Path.Combine(folder.FullName, fileName);
            await File.WriteAllTextAsync(path, csv);
            await page.GetByLabel("CSV file").SetInputFilesAsync(path);
            await page.GetByRole(AriaRole.Button, new() { Name = "Check the file" }).ClickAsync();
            await page.ShouldArriveAtAsync(url => url.AbsolutePath.StartsWith("/admin/people/import/", StringComparison.Ordinal));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check the import", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
    }

    /// <summary>The problems table on the report page, row by row as shown.</summary>
    public static async Task<IReadOnlyList<ImportProblem>> ProblemsAsync(this IPage page)
    {
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Problems found in the file, by row" });
        await Expect(table.GetByRole(AriaRole.Columnheader)).ToHaveTextAsync(["Row", "Column", "Problem"]);
        var problems = new List<ImportProblem>();
        foreach (var row in await table.Locator("tbody tr").AllAsync())
        {
            var cells = await row.GetByRole(AriaRole.Cell).AllInnerTextsAsync();
            cells.Count.ShouldBe(3);
            problems.Add(new ImportProblem(int.Parse(cells[0], System.Globalization.CultureInfo.InvariantCulture), cells[1].Trim(), cells[2].Trim()));
        }
        return problems;
    }

    /// <summary>
    /// After choosing how to import: waits on the progress page until it shows that the import finished.
    /// With JavaScript the page keeps itself up to date; without it, the admin asks for the latest
    /// progress with the page's own link, as often as it takes. Every page shown is checked with axe.
    /// </summary>
    public static async Task FollowImportAsync(this IPage page, bool javaScript, UpstanderServer? server = null)
    {
        await page.ShouldArriveAtAsync(url => url.AbsolutePath.StartsWith("/admin/people/import/jobs/", StringComparison.Ordinal));
        var finished = page.GetByRole(AriaRole.Heading, new() { Name = "Import finished", Level = 1 });
        if (javaScript)
        {
            // The page keeps itself up to date in place: a reload would take a screen reader back to the top.
            var reloads = 0;
            void CountReload(object? sender, IFrame frame) => reloads += frame == page.MainFrame ? 1 : 0;
            page.FrameNavigated += CountReload;
            try
            {
                await Expect(finished).ToBeVisibleAsync(new() { Timeout = (float)ImportTimeout.TotalMilliseconds });
            }
            catch (PlaywrightException stalled)
            {
                // Rare under load: say whether the import itself is stuck or only the page stopped updating.
                throw new ShouldAssertException(await StalledImportAsync(page, server, stalled.Message), stalled);
            }
            finally
            {
                page.FrameNavigated -= CountReload;
            }
            reloads.ShouldBe(0, "the progress page must never reload itself");
        }
        else
        {
            var deadline = DateTime.UtcNow + ImportTimeout;
            while (!await finished.IsVisibleAsync())
            {
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Importing people", Level = 1 })).ToBeVisibleAsync();
                await Expect(page.GetByLabel("Progress")).ToBeVisibleAsync();
                await page.ShouldBeAccessibleAsync();
                DateTime.UtcNow.ShouldBeLessThan(deadline, $"the import did not finish within {ImportTimeout.TotalSeconds} s");
                await page.GetByRole(AriaRole.Link, new() { Name = "Check progress" }).ClickAsync();
                await page.ShouldHaveLoadedAsync();
            }
        }
        await page.ShouldBeAccessibleAsync();
    }

    /// <summary>The counts on the finished import's summary, by their label.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> SummaryAsync(this IPage page)
    {
        var summary = page.Locator("dl.summary");
        var terms = await summary.Locator("dt").AllInnerTextsAsync();
        var values = await summary.Locator("dd").AllInnerTextsAsync();
        values.Count.ShouldBe(terms.Count);
        return terms.Zip(values).ToDictionary(p => p.First.Trim(), p => p.Second.Trim());
    }

    /// <summary>The names the people directory lists for one department, as the admin filters it.</summary>
    public static async Task<IReadOnlyList<string>> PeopleInDepartmentAsync(this IPage page, string department)
    {
        await page.GotoAsync("/admin/people");
        await page.ShouldBeAccessibleAsync();
        await page.GetByLabel("Department").SelectOptionAsync(new SelectOptionValue { Label = department });
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.ShouldArriveAtAsync(url => url.Query.Contains("department=", StringComparison.Ordinal));
        await page.ShouldBeAccessibleAsync();
        var table = page.GetByRole(AriaRole.Table);
        return (await table.Locator("tbody th").AllInnerTextsAsync()).Select(n => n.Trim()).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// What a stalled progress page leaves to go on: the progress page asked for afresh with the page's own cookies
    /// (its status and first heading: "Import finished" there means the import finished and the page's script stopped
    /// asking), and the end of the server's console.
    /// </summary>
    private static async Task<string> StalledImportAsync(IPage page, UpstanderServer? server, string expectation)
    {
        string fresh;
        try
        {
            var response = await page.Context.APIRequest.GetAsync(page.Url, new() { MaxRedirects = 0, Timeout = 10_000 });
            var body = await response.TextAsync();
            var heading = System.Text.RegularExpressions.Regex.Match(body, "<h1[^>]*>(.*?)</h1>", System.Text.RegularExpressions.RegexOptions.Singleline);
            fresh = $"{response.Status}, first heading \"{(heading.Success ? heading.Groups[1].Value.Trim() : "(none)")}\"";
        }
        catch (PlaywrightException ex)
        {
            fresh = "could not be fetched: " + ex.Message;
        }
        string script;
        try
        {
            // What the page's script noted on the progress element: how many checks it made and how the last one ended.
            // And how far the document got: "loading" would mean its own answer never ended, so no deferred script ran.
            script = await page.EvaluateAsync<string>(
                "() => { const p = document.querySelector('[data-import-progress]'); const s = p ? `checks ${p.dataset.checks ?? '(script never ran)'}, last: ${p.dataset.last ?? '(none)'}` : '(no progress element)'; "
                + "const js = performance.getEntriesByType('resource').filter(e => e.name.includes('/js/')).map(e => `${new URL(e.name).pathname} ${e.responseStatus ?? '?'} in ${Math.round(e.duration)} ms`); "
                + "return `${s}; document ${document.readyState}; scripts fetched: ${js.length ? js.join(', ') : 'none'}`; }");
        }
        catch (PlaywrightException ex)
        {
            script = "could not be read: " + ex.Message;
        }
        var console = server?.Output ?? "";
        return $"The import progress page did not show \"Import finished\" within {ImportTimeout.TotalSeconds} s.\n"
            + $"Asked for again now, the progress page answers {fresh}.\n"
            + $"The page's script: {script}.\n"
            + $"What the window met:\n{PageLog.Describe(page)}\n"
            + $"Playwright: {expectation}\n"
            + $"The end of the server's console:\n{(console.Length > 6000 ? console[^6000..] : console)}";
    }
}
