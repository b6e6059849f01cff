using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.SpeakUp.Reporting;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.SpeakUp.Reporting;

/// <summary>Posting the report forms as a browser does (multipart, with files), and finding what was stored.</summary>
public static partial class ReportingKit
{
    /// <summary>Fast passphrase hashing and a generous follow-up budget; tests of the limits set their own.</summary>
    public static Dictionary<string, string?> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["SpeakUp:PassphraseIterations"] = "1000", ["SpeakUp:FollowUpAttemptsPerClient"] = "100", ["RateLimits:AnonymousReportsPerHour"] = "1000" };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }
        return settings;
    }

    public static async Task<HttpResponseMessage> PostMultipartAsync(this HttpClient client, string url, IEnumerable<(string Name, string Value)> fields,
        IEnumerable<(string FileName, byte[] Bytes)>? files = null, string? tokenFrom = null)
    {
        var token = await client.AntiforgeryTokenAsync(tokenFrom ?? url);
        var content = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), name);
        }
        foreach (var (fileName, bytes) in files ?? [])
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Add(part, "Files", fileName);
        }
        return await client.PostAsync(url, content);
    }

    /// <summary>Sends a named report through the form, as the signed-in <paramref name="client"/>; returns its page, "/speak-up/reports/{id}".</summary>
    public static async Task<string> SendNamedAsync(HttpClient client, List<(string, string)> fields, IEnumerable<(string FileName, byte[] Bytes)>? files = null)
    {
        var sent = await client.PostMultipartAsync("/speak-up/report", fields, files);
        sent.StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect, await sent.Content.ReadAsStringAsync());
        return sent.Headers.Location!.OriginalString.Split('?')[0];
    }

    /// <summary>The report id at the end of a report's page address.</summary>
    public static Guid IdOf(string page) => Guid.Parse(page.Split('/')[^1]);

    /// <summary>Gives the organisation's reports to the demo case manager, as routing would.</summary>
    public static Task AssignToCaseManagerAsync(UpstanderFactory factory, TestOrganisation org) => factory.InScopeAsync(org.Id, async s =>
    {
        var db = s.GetRequiredService<Upstander.Platform.Data.AppDbContext>();
        foreach (var report in await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.Set<Upstander.Features.SpeakUp.Reports.ReportRecord>()))
        {
            report.Assign(org[Upstander.Platform.Security.Roles.CaseManager].PersonId);
        }
        await db.SaveChangesAsync();
    });

    public static List<(string, string)> Report(string account, string category = "intimidation", params (string, string)[] more) =>
        [("Input.Account", account), ("Input.Category", category), .. more];

    public static Task<string> SlugAsync(UpstanderFactory factory, TestOrganisation org) =>
        factory.InScopeAsync(org.Id, s => s.GetRequiredService<ReportLinks>().SlugAsync(CancellationToken.None));

    public const string AnonymousPassphrase = "a passphrase to come back with";

    /// <summary>Sends an anonymous report through the organisation's link as <paramref name="visitor"/>, with <see cref="AnonymousPassphrase"/>; returns its receipt.</summary>
    public static async Task<string> SendAnonymousAsync(HttpClient visitor, string slug, string account, string category = "exclusion")
    {
        var sent = await visitor.PostMultipartAsync($"/report/{slug}", Report(account, category,
            ("Input.Passphrase", AnonymousPassphrase), ("Input.PassphraseConfirmation", AnonymousPassphrase)));
        return ReceiptFrom(await sent.Content.ReadAsStringAsync());
    }

    /// <summary>Starts a follow-up session for the anonymous report with <paramref name="receipt"/>.</summary>
    public static async Task FollowUpAsync(HttpClient visitor, string slug, string receipt) =>
        (await visitor.PostFormAsync($"/report/{slug}/follow-up", new() { ["Receipt"] = receipt, ["Passphrase"] = AnonymousPassphrase }))
            .StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);

    /// <summary>The receipt's 16 digits from the page that shows it.</summary>
    public static string ReceiptFrom(string html)
    {
        var match = ReceiptRegex().Match(html);
        match.Success.ShouldBeTrue("the page shows no receipt");
        return match.Groups[1].Value;
    }

    /// <summary>Every byte in the uploads folder.</summary>
    public static byte[] UploadsBytes(UpstanderFactory factory)
    {
        var folder = Path.Combine(factory.Database.Folder, "uploads");
        return Directory.Exists(folder) ? [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).SelectMany(File.ReadAllBytes)] : [];
    }

    public static int UploadedFileCount(UpstanderFactory factory)
    {
        var folder = Path.Combine(factory.Database.Folder, "uploads");
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Count() : 0;
    }

    public static async Task<byte[]> StoredAsync(UpstanderFactory factory) =>
        factory.Database.Engine == Engine.Sqlite ? Canary.SqliteBytes(factory.Database) : await Canary.PostgresDumpAsync(factory.Database);

    /// <summary>The download links of the files a reporter added, as the follow-up page shows them.</summary>
    public static List<string> FileLinks(string html) =>
        [.. FileLinkRegex().Matches(html).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value))];

    /// <summary>
    /// The files a case page lists, each as the name the page shows and the name its download is given
    /// (Content-Disposition), downloaded by <paramref name="manager"/>; with the page itself.
    /// </summary>
    public static async Task<(List<(string Shown, string Downloaded)> Files, string Page)> CaseFilesAsync(HttpClient manager, Guid reportId)
    {
        var page = await manager.GetStringAsync($"/cases/{reportId:D}");
        var files = new List<(string, string)>();
        foreach (Match match in CaseFileRegex().Matches(page))
        {
            var download = await manager.GetAsync(System.Net.WebUtility.HtmlDecode(match.Groups[1].Value));
            download.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
            var disposition = download.Content.Headers.ContentDisposition.ShouldNotBeNull();
            disposition.DispositionType.ShouldBe("attachment");
            files.Add((System.Net.WebUtility.HtmlDecode(match.Groups[2].Value), disposition.FileNameStar ?? disposition.FileName!.Trim('"')));
        }
        return (files, page);
    }

    [GeneratedRegex(@"<a href=""([^""]*\?handler=File&amp;file=[0-9a-f-]{36})"" download>")]
    private static partial Regex FileLinkRegex();

    [GeneratedRegex(@"<a href=""([^""]*\?handler=File&amp;file=[0-9a-f-]{36})"" download>([^<]*)</a>")]
    private static partial Regex CaseFileRegex();

    [GeneratedRegex(@"id=""receipt""><strong>(\d{4} \d{4} \d{4} \d{4})</strong>")]
    private static partial Regex ReceiptRegex();
}
