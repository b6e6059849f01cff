using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.SpeakUp.Reporting;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.SpeakUp.Reporting;

public sealed class ReportingTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_named_report_is_sealed_with_its_journal_and_files_cleaned_and_encrypted_and_the_draft_goes(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Named Org");
        var me = await factory.SignInAsync(org[Roles.Employee]);
        var (account, draftText, journalText, involved, exif, pngText, fileText, fileName) =
            (Canary.New("account"), Canary.New("draft"), Canary.New("journal"), Canary.New("involved"), Canary.New("exif"), Canary.New("png"), Canary.New("text"), Canary.New("name"));

        (await me.PostFormAsync("/speak-up/journal", new() { ["Text"] = journalText })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var entryId = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<JournalEntry>().Select(e => e.Id).SingleAsync());

        // A draft is kept for its author alone...
        (await me.PostMultipartAsync("/speak-up/report?handler=SaveDraft", ReportingKit.Report(draftText), tokenFrom: "/speak-up/report"))
            .Headers.Location!.OriginalString.ShouldBe("/speak-up/report?saved=true");
        (await me.GetStringAsync("/speak-up/report")).ShouldContain(draftText);
        var someoneElse = await factory.SignInAsync(org[Roles.PeerSupporter]);
        (await someoneElse.GetStringAsync("/speak-up/report")).ShouldNotContain(draftText);

        // ...until the report is sent.
        var sent = await me.PostMultipartAsync("/speak-up/report", ReportingKit.Report(account, "verbal-abuse",
                ("Input.Described", involved), ("Input.Named", org[Roles.Coordinator].PersonId.ToString()), ("Input.JournalEntries", entryId.ToString()),
                ("Input.HoldIdentity", "true"), ("Input.When", "Last Tuesday")),
            [("photo.jpg", EvidenceSamples.JpegWithExif(exif)), ("screen.png", EvidenceSamples.PngWithText(pngText)), (fileName + ".txt", System.Text.Encoding.UTF8.GetBytes(fileText))]);
        sent.StatusCode.ShouldBe(HttpStatusCode.Redirect, await sent.Content.ReadAsStringAsync());
        var location = sent.Headers.Location!.OriginalString;
        location.ShouldEndWith("?sent=true");
        var page = await me.GetStringAsync(location);
        page.ShouldContain(account);
        page.ShouldContain(journalText);
        page.ShouldContain("/support/talk");
        (await someoneElse.GetAsync(location)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var files = await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var protector = s.GetRequiredService<FieldProtector>();
            (await db.Set<ReportDraft>().CountAsync()).ShouldBe(0, "the draft is deleted when the report is sent");
            var report = await db.Set<ReportRecord>().SingleAsync();
            report.Way.ShouldBe(ReportWay.Named);
            report.ReporterId.ShouldBe(org[Roles.Employee].PersonId);
            report.IdentityHeld.ShouldBeTrue();
            report.Category.ShouldBe("verbal-abuse");
            var opened = ReportDraftContent.ReadAccount(protector.Open(report.AccountSealed!, ReportRecord.AccountPurpose, report.Id));
            opened.Account.ShouldBe(account);
            opened.Journal.Single().Text.ShouldBe(journalText);
            var who = ReportDraftContent.ReadInvolved(protector.Open(report.InvolvedSealed!, ReportRecord.InvolvedPurpose, report.Id));
            who.Named.ShouldBe([org[Roles.Coordinator].PersonId]);
            who.Described.ShouldBe(involved);
            var reportFiles = s.GetRequiredService<ReportFiles>();
            var result = new Dictionary<string, (string Name, byte[] Bytes)>();
            foreach (var row in await reportFiles.ListAsync(report.Id, CancellationToken.None))
            {
                row.NameSealed.ShouldBeNull("a report whose author is held back keeps no file names");
                var file = (await reportFiles.OpenAsync(row.ReportId, row.Id, CancellationToken.None)).ShouldNotBeNull();
                using var memory = new MemoryStream();
                await file.Content.CopyToAsync(memory);
                result[file.ContentType] = (file.FileName, memory.ToArray());
            }
            return result;
        });
        files.Count.ShouldBe(3);
        files.Values.Select(f => f.Name[..f.Name.IndexOf('.', StringComparison.Ordinal)]).Order().ShouldBe(["evidence-1", "evidence-2", "evidence-3"]);
        var jpeg = files[EvidenceFormats.Jpeg];
        jpeg.Name.ShouldEndWith(".jpg");
        Canary.Contains(jpeg.Bytes, exif).ShouldBeFalse();
        jpeg.Bytes[..2].ShouldBe(new byte[] { 0xFF, 0xD8 });
        jpeg.Bytes[^2..].ShouldBe(new byte[] { 0xFF, 0xD9 });
        var png = files[EvidenceFormats.Png];
        png.Name.ShouldEndWith(".png");
        Canary.Contains(png.Bytes, pngText).ShouldBeFalse();
        EvidenceSamples.PngChunks(png.Bytes).ShouldBe(["IHDR", "gAMA", "IDAT", "IEND"]);
        files[EvidenceFormats.Text].Name.ShouldEndWith(".txt");
        Canary.Contains(files[EvidenceFormats.Text].Bytes, fileText).ShouldBeTrue("a text file is kept as written");

        // The reporter can download each file again, as stored; nobody else can, and no other id opens anything.
        var links = ReportingKit.FileLinks(page);
        links.Count.ShouldBe(3);
        foreach (var link in links)
        {
            var download = await me.GetAsync(link);
            download.StatusCode.ShouldBe(HttpStatusCode.OK);
            var name = download.Content.Headers.ContentDisposition!.FileNameStar ?? download.Content.Headers.ContentDisposition.FileName!.Trim('"');
            var type = download.Content.Headers.ContentType!.MediaType!;
            name.ShouldBe(files[type].Name);
            (await download.Content.ReadAsByteArrayAsync()).ShouldBe(files[type].Bytes);
            (await someoneElse.GetAsync(link)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }
        (await me.GetAsync($"{location.Split('?')[0]}?handler=File&file={Guid.NewGuid()}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .CountAsync(e => e.Action == AuditActions.ProtectedRead && e.TargetType == ReportFile.AuditTarget && e.ActorKind == AuditLog.HiddenReporter && e.ActorId == null)))
            .ShouldBe(3, "each download is an audited read, without the account of a reporter whose identity is held");

        var stored = await ReportingKit.StoredAsync(factory);
        var uploads = ReportingKit.UploadsBytes(factory);
        ReportingKit.UploadedFileCount(factory).ShouldBe(3);
        foreach (var canary in new[] { account, draftText, journalText, involved, exif, pngText, fileText, fileName })
        {
            Canary.Contains(stored, canary).ShouldBeFalse($"{canary} is readable in the stored data");
            Canary.Contains(uploads, canary).ShouldBeFalse($"{canary} is readable in the uploads folder");
            factory.Logs.All.ShouldNotContain(canary);
        }
        Canary.Contains(stored, "verbal-abuse").ShouldBeTrue("the plain category is found, or the search proves nothing");

        // A file opens only under its own report, even for the reporter of both.
        var second = (await me.PostMultipartAsync("/speak-up/report", ReportingKit.Report("It happened again."), [("again.txt", "again"u8.ToArray())]))
            .Headers.Location!.OriginalString.Split('?')[0];
        var secondLink = ReportingKit.FileLinks(await me.GetStringAsync(second)).ShouldHaveSingleItem();
        (await me.GetAsync(secondLink)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var secondFile = secondLink[(secondLink.IndexOf("file=", StringComparison.Ordinal) + 5)..];
        (await me.GetAsync($"{location.Split('?')[0]}?handler=File&file={secondFile}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task An_anonymous_report_keeps_no_address_or_browser_and_opens_again_with_its_receipt_and_passphrase(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Anonymous Org");
        var slug = await ReportingKit.SlugAsync(factory, org);
        // The public pages belong to no signed-in organisation, yet show times where the organisation is.
        await AheadOfUtc.PlaceAsync(factory, org.Id, "America/New_York");
        var (account, address, agent, passphrase) = (Canary.New("anonymous"), "203.0.113.187", "CanaryBrowser/" + Guid.NewGuid().ToString("N"), "blue kettle seven lanterns");
        var visitor = factory.Browser();
        visitor.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        visitor.DefaultRequestHeaders.Add("X-Real-IP", address);
        visitor.DefaultRequestHeaders.UserAgent.ParseAdd(agent);

        var form = await visitor.GetAsync($"/report/{slug}");
        form.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await form.Content.ReadAsStringAsync()).ShouldNotContain("Search the directory");
        var sent = await visitor.PostMultipartAsync($"/report/{slug}", ReportingKit.Report(account, "exclusion",
            ("Input.Passphrase", passphrase), ("Input.PassphraseConfirmation", passphrase)), [("note.txt", "written on my phone"u8.ToArray())]);
        var html = await sent.Content.ReadAsStringAsync();
        sent.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        var receipt = ReportingKit.ReceiptFrom(html);
        html.ShouldContain("peer support needs you to sign in", Case.Insensitive);
        html.ShouldContain("New York time");
        html.ShouldNotContain(" UTC<");
        foreach (var response in new[] { form, sent })
        {
            (response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : []).ShouldAllBe(c => c.StartsWith("upstander.antiforgery", StringComparison.Ordinal));
        }

        var report = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<ReportRecord>().SingleAsync());
        report.Way.ShouldBe(ReportWay.Anonymous);
        report.ReporterId.ShouldBeNull();
        report.IdentityHeld.ShouldBeTrue();
        report.ReceiptLookup.ShouldNotBeNull().ShouldNotContain(receipt.Replace(" ", "", StringComparison.Ordinal));
        var stored = await ReportingKit.StoredAsync(factory);
        foreach (var secret in new[] { account, address, agent, passphrase, receipt.Replace(" ", "", StringComparison.Ordinal), receipt })
        {
            Canary.Contains(stored, secret).ShouldBeFalse($"{secret} is in the stored data");
            factory.Logs.All.ShouldNotContain(secret);
        }

        // The wrong passphrase or receipt opens nothing; the right pair opens the report for a while.
        var later = factory.Browser();
        var wrong = await later.PostFormAsync($"/report/{slug}/follow-up", new() { ["Receipt"] = receipt, ["Passphrase"] = "not the passphrase" });
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await later.GetAsync($"/report/{slug}/follow-up/case")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var otherReceipt = receipt[..^1] + (receipt[^1] == '0' ? "1" : "0");
        (await later.PostFormAsync($"/report/{slug}/follow-up", new() { ["Receipt"] = otherReceipt, ["Passphrase"] = passphrase })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var right = await later.PostFormAsync($"/report/{slug}/follow-up", new() { ["Receipt"] = receipt, ["Passphrase"] = passphrase });
        right.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        right.Headers.Location!.OriginalString.ShouldBe($"/report/{slug}/follow-up/case");
        var caseUrl = $"/report/{slug}/follow-up/case";
        var casePage = await later.GetStringAsync(caseUrl);
        casePage.ShouldContain(account);
        casePage.ShouldContain($"{TimeZoneInfo.ConvertTime(report.ReceivedAt, TimeZoneInfo.FindSystemTimeZoneById("America/New_York")):d MMMM yyyy, HH:mm} New York time");
        var link = ReportingKit.FileLinks(casePage).ShouldHaveSingleItem();
        (await later.GetByteArrayAsync(link)).ShouldBe("written on my phone"u8.ToArray(), "the anonymous reporter can download what they added");
        (await factory.Browser().GetAsync(link)).StatusCode.ShouldBe(HttpStatusCode.Redirect, "without the follow-up session, the file stays shut");

        // The case side writes; the reporter reads and replies.
        var question = Canary.New("question");
        await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var r = await db.Set<ReportRecord>().SingleAsync();
            var message = ReportMessage.Write(r, 1, fromReporter: false, org[Roles.CaseManager].PersonId, factory.Clock.GetUtcNow());
            message.SealBody(s.GetRequiredService<FieldProtector>().Seal(question, ReportMessage.BodyPurpose, message.Id));
            db.Add(message);
            await db.SaveChangesAsync();
        });
        (await later.GetStringAsync(caseUrl)).ShouldContain(question);
        (await later.PostFormAsync(caseUrl + "?handler=Reply", new() { ["Reply"] = "Thank you, it happened again today." }, tokenFrom: caseUrl)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var messages = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<ReportMessage>().OrderBy(m => m.Number).ToListAsync());
        messages.Select(m => (m.Number, m.FromReporter, m.AuthorId)).ShouldBe([(1, false, org[Roles.CaseManager].PersonId), (2, true, null)]);
        messages[0].ReadAt.ShouldNotBeNull();

        // Leaving ends the session; a stranger's browser never had one.
        (await later.PostFormAsync(caseUrl + "?handler=End", [], tokenFrom: caseUrl)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await later.GetAsync(caseUrl)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await factory.Browser().GetAsync(caseUrl)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        factory.Logs.All.ShouldNotContain(address);
        factory.Logs.All.ShouldNotContain(agent);
    }

    [Fact]
    public async Task Guessing_receipts_is_throttled_per_client_and_across_the_installation()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings(("SpeakUp:FollowUpAttemptsPerClient", "3"), ("SpeakUp:FollowUpFailuresGlobal", "5")));
        var org = await factory.CreateOrganisationAsync("Guess Org");
        var slug = await ReportingKit.SlugAsync(factory, org);
        var passphrase = "a perfectly good passphrase";
        var sent = await factory.Browser().PostMultipartAsync($"/report/{slug}", ReportingKit.Report("It keeps happening.", "other",
            ("Input.Passphrase", passphrase), ("Input.PassphraseConfirmation", passphrase)));
        var receipt = ReportingKit.ReceiptFrom(await sent.Content.ReadAsStringAsync());
        var guesser = factory.Browser();
        for (var i = 0; i < 3; i++)
        {
            var guess = await guesser.PostFormAsync($"/report/{slug}/follow-up", new() { ["Receipt"] = $"{1000 + i} 0000 0000 0000", ["Passphrase"] = passphrase });
            guess.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }
        var limited = await guesser.PostFormAsync($"/report/{slug}/follow-up", new() { ["Receipt"] = receipt, ["Passphrase"] = passphrase });
        limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await limited.Content.ReadAsStringAsync()).ShouldContain("Please wait");

        // The window passes; then failures across the installation pause every attempt, even a right one.
        factory.Clock.Advance(TimeSpan.FromMinutes(16));
        for (var i = 0; i < 3; i++)
        {
            (await guesser.PostFormAsync($"/report/{slug}/follow-up", new() { ["Receipt"] = $"{2000 + i} 0000 0000 0000", ["Passphrase"] = passphrase })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        (await guesser.PostFormAsync($"/report/{slug}/follow-up", new() { ["Receipt"] = receipt, ["Passphrase"] = passphrase })).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests,
            "five failures in the window pause every client");
        factory.Clock.Advance(TimeSpan.FromMinutes(16));
        (await guesser.PostFormAsync($"/report/{slug}/follow-up", new() { ["Receipt"] = receipt, ["Passphrase"] = passphrase })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Sending_anonymous_reports_is_rate_limited_per_client_and_a_refused_one_stores_nothing()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings(("RateLimits:AnonymousReportsPerHour", "2")));
        var org = await factory.CreateOrganisationAsync("Flood Org");
        var slug = await ReportingKit.SlugAsync(factory, org);
        var client = factory.Browser();
        var passphrase = "a perfectly good passphrase";
        var fields = ReportingKit.Report("It keeps happening.", "other", ("Input.Passphrase", passphrase), ("Input.PassphraseConfirmation", passphrase));
        for (var i = 0; i < 2; i++)
        {
            ReportingKit.ReceiptFrom(await (await client.PostMultipartAsync($"/report/{slug}", fields)).Content.ReadAsStringAsync()).ShouldNotBeNullOrEmpty();
        }
        var before = await RowCounts.TakeAsync(factory.Database);
        var refused = await client.PostMultipartAsync($"/report/{slug}", fields);
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await RowCounts.TakeAsync(factory.Database)).ShouldBe(before);
        (await client.GetAsync($"/report/{slug}")).StatusCode.ShouldBe(HttpStatusCode.OK, "reading the form is never limited");
    }

    [Fact]
    public async Task Bad_reports_are_refused_with_400_and_store_nothing()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings(("SpeakUp:MaxFileBytes", "2000")));
        var org = await factory.CreateOrganisationAsync("Refusing Org");
        var other = await factory.CreateOrganisationAsync("Other Org");
        var slug = await ReportingKit.SlugAsync(factory, org);
        var me = await factory.SignInAsync(org[Roles.Employee]);
        var colleague = await factory.SignInAsync(org[Roles.PeerSupporter]);
        (await colleague.PostFormAsync("/speak-up/journal", new() { ["Text"] = "mine, not yours" })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var theirEntry = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<JournalEntry>().Select(e => e.Id).SingleAsync());
        var before = await RowCounts.TakeAsync(factory.Database);
        var good = "Shouted at in the meeting.";
        var passphrase = ("Input.Passphrase", "long enough passphrase");
        var confirmation = ("Input.PassphraseConfirmation", "long enough passphrase");

        var attempts = new (string Label, HttpClient Client, string Url, List<(string, string)> Fields, (string, byte[])[] Files)[]
        {
            ("nothing written", me, "/speak-up/report", ReportingKit.Report(""), []),
            ("unknown category", me, "/speak-up/report", ReportingKit.Report(good, "gossip"), []),
            ("oversized file", me, "/speak-up/report", ReportingKit.Report(good), [("big.txt", new byte[3000].Select(_ => (byte)'a').ToArray())]),
            ("an executable called .jpg", me, "/speak-up/report", ReportingKit.Report(good), [("photo.jpg", EvidenceSamples.Executable())]),
            ("too many files", me, "/speak-up/report", ReportingKit.Report(good), [.. Enumerable.Range(0, 6).Select(i => ($"n{i}.txt", "note"u8.ToArray()))]),
            ("another organisation's person", me, "/speak-up/report", ReportingKit.Report(good, "intimidation", ("Input.Named", other[Roles.Employee].PersonId.ToString())), []),
            ("a garbled id", me, "/speak-up/report", ReportingKit.Report(good, "intimidation", ("Input.Named", "not-a-guid")), []),
            ("themselves", me, "/speak-up/report", ReportingKit.Report(good, "intimidation", ("Input.Named", org[Roles.Employee].PersonId.ToString())), []),
            ("a department that is not theirs", me, "/speak-up/report", ReportingKit.Report(good, "intimidation", ("Input.DepartmentId", Guid.NewGuid().ToString())), []),
            ("someone else's journal entry", me, "/speak-up/report", ReportingKit.Report(good, "intimidation", ("Input.JournalEntries", theirEntry.ToString())), []),
            ("an empty draft", me, "/speak-up/report?handler=SaveDraft", [], []),
            ("anonymous without a passphrase", factory.Browser(), $"/report/{slug}", ReportingKit.Report(good), []),
            ("anonymous with a short passphrase", factory.Browser(), $"/report/{slug}", ReportingKit.Report(good, "other", ("Input.Passphrase", "short"), ("Input.PassphraseConfirmation", "short")), []),
            ("anonymous naming a directory id", factory.Browser(), $"/report/{slug}", ReportingKit.Report(good, "other", passphrase, confirmation, ("Input.Named", org[Roles.Admin].PersonId.ToString())), []),
            ("anonymous with an executable", factory.Browser(), $"/report/{slug}", ReportingKit.Report(good, "other", passphrase, confirmation), [("scan.pdf", EvidenceSamples.Executable())]),
        };
        foreach (var (label, client, url, fields, files) in attempts)
        {
            var tokenFrom = url.Split('?')[0];
            var response = await client.PostMultipartAsync(url, fields, files, tokenFrom);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, label);
            (await response.Content.ReadAsStringAsync()).ShouldContain("Nothing was saved.", customMessage: label);
        }
        (await me.PostFormAsync("/speak-up/journal", new() { ["Text"] = " " })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await me.PostFormAsync("/speak-up/report?handler=DiscardDraft", [], tokenFrom: "/speak-up/report")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await factory.Browser().GetAsync("/report/no-such-organisation")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await (await factory.SignInAsync(other[Roles.Employee])).GetAsync($"/report/{slug}")).StatusCode.ShouldBe(HttpStatusCode.OK,
            "the public link treats everyone as nobody, signed in here or elsewhere");

        RowCounts.Differences(before, await RowCounts.TakeAsync(factory.Database)).ShouldBeEmpty();
        ReportingKit.UploadedFileCount(factory).ShouldBe(0);
    }

    [Fact]
    public async Task The_browser_asks_for_the_required_answers_before_sending_so_attached_files_and_a_passphrase_are_not_lost_to_a_refusal()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Required Org");
        var slug = await ReportingKit.SlugAsync(factory, org);
        var named = await (await factory.SignInAsync(org[Roles.Employee])).GetStringAsync("/speak-up/report");
        var anonymous = await factory.Browser().GetStringAsync($"/report/{slug}");
        foreach (var (label, page) in new[] { ("named", named), ("anonymous", anonymous) })
        {
            Regex.Match(page, "<textarea[^>]*name=\"Input.Account\"[^>]*>").Value.ShouldContain(" required", customMessage: label);
            var categories = Regex.Matches(page, "<input[^>]*name=\"Input.Category\"[^>]*>");
            categories.ShouldNotBeEmpty(label);
            categories.ShouldAllBe(c => c.Value.Contains(" required"), label);
        }
        // Saving a draft and searching the directory skip the browser's check: a draft may be unfinished.
        Regex.Matches(named, "<button[^>]*formaction=\"[^\"]*\"[^>]*>").ShouldAllBe(b => b.Value.Contains("formnovalidate"));
    }

    [Fact]
    public async Task A_pdf_is_cleaned_before_storing_and_an_anonymous_report_refuses_one_whose_author_cannot_be_removed()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Pdf Org");
        var slug = await ReportingKit.SlugAsync(factory, org);
        var canary = Canary.New("pdf-author");
        var anonymously = ReportingKit.Report("It happened again on Friday.", "other",
            ("Input.Passphrase", "long enough passphrase"), ("Input.PassphraseConfirmation", "long enough passphrase"));
        var before = await RowCounts.TakeAsync(factory.Database);

        var refused = await factory.Browser().PostMultipartAsync($"/report/{slug}", anonymously, [("letter.pdf", PdfSamples.WithCompressedInformation(canary))]);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var page = await refused.Content.ReadAsStringAsync();
        page.ShouldContain("letter.pdf keeps details about who made it in a part of the file that cannot be cleaned.");
        page.ShouldContain("Nothing was saved.");
        RowCounts.Differences(before, await RowCounts.TakeAsync(factory.Database)).ShouldBeEmpty();
        ReportingKit.UploadedFileCount(factory).ShouldBe(0);

        // A PDF whose details can be removed goes, cleaned, with an anonymous report; a named report keeps even
        // the one that cannot be fully cleaned, as its sender is known.
        var sent = await factory.Browser().PostMultipartAsync($"/report/{slug}", anonymously, [("letter.pdf", PdfSamples.WithMetadata(canary))]);
        sent.StatusCode.ShouldBe(HttpStatusCode.OK, await sent.Content.ReadAsStringAsync());
        var me = await factory.SignInAsync(org[Roles.Employee]);
        (await me.PostMultipartAsync("/speak-up/report", ReportingKit.Report("Named, with the letter."), [("letter.pdf", PdfSamples.WithCompressedInformation(canary))]))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var stored = await factory.InScopeAsync(org.Id, async s =>
        {
            var reportFiles = s.GetRequiredService<ReportFiles>();
            var result = new Dictionary<ReportWay, byte[]>();
            foreach (var report in await s.GetRequiredService<AppDbContext>().Set<ReportRecord>().ToListAsync())
            {
                var row = (await reportFiles.ListAsync(report.Id, CancellationToken.None)).Single();
                var file = (await reportFiles.OpenAsync(row.ReportId, row.Id, CancellationToken.None)).ShouldNotBeNull();
                file.ContentType.ShouldBe(EvidenceFormats.Pdf);
                using var memory = new MemoryStream();
                await file.Content.CopyToAsync(memory);
                result[report.Way] = memory.ToArray();
            }
            return result;
        });
        Canary.Contains(stored[ReportWay.Anonymous], canary).ShouldBeFalse();
        PdfSamples.CrossReferencesHold(stored[ReportWay.Anonymous]).ShouldBeTrue();
        stored[ReportWay.Named].Length.ShouldBe(PdfSamples.WithCompressedInformation(canary).Length);
    }

    [Fact]
    public async Task A_named_report_with_the_identity_held_refuses_a_pdf_whose_author_cannot_be_removed_as_an_anonymous_one_does()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Held Pdf Org");
        var me = await factory.SignInAsync(org[Roles.Employee]);
        var canary = Canary.New("held-pdf-author");
        var before = await RowCounts.TakeAsync(factory.Database);

        var refused = await me.PostMultipartAsync("/speak-up/report", ReportingKit.Report("Held back, with the letter.", "other", ("Input.HoldIdentity", "true")),
            [("letter.pdf", PdfSamples.WithCompressedInformation(canary))]);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var page = await refused.Content.ReadAsStringAsync();
        page.ShouldContain("letter.pdf keeps details about who made it in a part of the file that cannot be cleaned.");
        page.ShouldContain("Nothing was saved.");
        RowCounts.Differences(before, await RowCounts.TakeAsync(factory.Database)).ShouldBeEmpty();
        ReportingKit.UploadedFileCount(factory).ShouldBe(0);
        Canary.Contains(await ReportingKit.StoredAsync(factory), canary).ShouldBeFalse();

        // A PDF whose details can be removed goes, cleaned, with the held report.
        await ReportingKit.SendNamedAsync(me, ReportingKit.Report("Held back, with a cleanable letter.", "other", ("Input.HoldIdentity", "true")),
            [("letter.pdf", PdfSamples.WithMetadata(canary))]);
        var stored = await factory.InScopeAsync(org.Id, async s =>
        {
            var report = await s.GetRequiredService<AppDbContext>().Set<ReportRecord>().SingleAsync();
            report.IdentityHeld.ShouldBeTrue();
            var reportFiles = s.GetRequiredService<ReportFiles>();
            var row = (await reportFiles.ListAsync(report.Id, CancellationToken.None)).Single();
            var file = (await reportFiles.OpenAsync(row.ReportId, row.Id, CancellationToken.None)).ShouldNotBeNull();
            using var memory = new MemoryStream();
            await file.Content.CopyToAsync(memory);
            return memory.ToArray();
        });
        Canary.Contains(stored, canary).ShouldBeFalse();
    }

    /// <summary>
    /// A file's name often says whose phone or laptop it came from. A report whose author is held back (anonymous, or
    /// named with the identity held) keeps no file names: the case page and the downloads show "evidence-1.jpg" and so
    /// on, with the extension of the type the file was recognised as, and so do the reporter's own page and copy, even
    /// once the identity is revealed. A report sent by name keeps its files' names. The forms say so where it applies.
    /// </summary>
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Files_of_a_report_whose_author_is_held_back_reach_the_case_team_under_neutral_names_and_a_named_report_keeps_its_own(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("File Names Org");
        var slug = await ReportingKit.SlugAsync(factory, org);
        var me = await factory.SignInAsync(org[Roles.Employee]);
        var (ruth, smith, dave, kim) = (Canary.New("ruth"), Canary.New("smith"), Canary.New("dave"), Canary.New("kim"));

        var anonymousForm = await factory.Browser().GetStringAsync($"/report/{slug}");
        anonymousForm.ShouldContain("File names are replaced with neutral ones such as &quot;evidence-1.jpg&quot;, so they cannot give you away.");
        anonymousForm.ShouldNotContain("If you hold your identity back");
        (await me.GetStringAsync("/speak-up/report")).ShouldContain("If you hold your identity back, file names are replaced with neutral ones such as");

        var sent = await factory.Browser().PostMultipartAsync($"/report/{slug}", ReportingKit.Report("Sent without a name, with a photo and a letter.", "other",
                ("Input.Passphrase", ReportingKit.AnonymousPassphrase), ("Input.PassphraseConfirmation", ReportingKit.AnonymousPassphrase)),
            [($"IMG_{ruth}_phone.JPEG", EvidenceSamples.JpegWithExif("exif")), ($"{smith}-timeline.pdf", PdfSamples.WithMetadata("an author"))]);
        sent.StatusCode.ShouldBe(HttpStatusCode.OK, await sent.Content.ReadAsStringAsync());
        var heldPage = await ReportingKit.SendNamedAsync(me, ReportingKit.Report("Sent with my name held back.", "other", ("Input.HoldIdentity", "true")),
            [($"Screenshot from {dave}'s laptop.png", EvidenceSamples.PngWithText("png")), ($"{dave}-notes.txt", "what was said"u8.ToArray())]);
        var namedPage = await ReportingKit.SendNamedAsync(me, ReportingKit.Report("Sent with my name."), [($"{kim}-minutes.txt", "the minutes"u8.ToArray())]);
        var (anonymous, held, named) = (await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<ReportRecord>()
            .Where(r => r.Way == ReportWay.Anonymous).Select(r => r.Id).SingleAsync()), ReportingKit.IdOf(heldPage), ReportingKit.IdOf(namedPage));
        await ReportingKit.AssignToCaseManagerAsync(factory, org);
        var manager = await factory.SignInAsync(org[Roles.CaseManager]);

        foreach (var (id, extensions) in new[] { (anonymous, new[] { ".jpg", ".pdf" }), (held, new[] { ".png", ".txt" }) })
        {
            var (files, page) = await ReportingKit.CaseFilesAsync(manager, id);
            files.ShouldAllBe(f => f.Shown == f.Downloaded, "the download is given the name the page shows");
            files.Select(f => f.Shown[..f.Shown.IndexOf('.', StringComparison.Ordinal)]).Order().ShouldBe(["evidence-1", "evidence-2"]);
            files.Select(f => Path.GetExtension(f.Shown)).ShouldBe(extensions, ignoreOrder: true, "the extension of the type found, not of the name sent (.JPEG)");
            foreach (var original in new[] { ruth, smith, dave })
            {
                page.ShouldNotContain(original);
            }
        }
        var (namedFiles, namedCase) = await ReportingKit.CaseFilesAsync(manager, named);
        namedFiles.ShouldBe([($"{kim}-minutes.txt", $"{kim}-minutes.txt")]);
        namedCase.ShouldNotContain("evidence-1");

        // The reporter's own page and copy show what the case team sees: the names were never kept.
        foreach (var own in new[] { await me.GetStringAsync(heldPage), await (await me.GetAsync(heldPage + "?handler=Copy")).Content.ReadAsStringAsync() })
        {
            own.ShouldContain("evidence-1.");
            own.ShouldContain("evidence-2.");
            own.ShouldNotContain(dave);
        }
        var (sealedNames, details) = await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            return (await db.Set<ReportFile>().Select(f => new { f.ReportId, Kept = f.NameSealed != null }).ToListAsync(),
                await db.AuditEvents.Where(e => e.Detail != null).Select(e => e.Detail!).ToListAsync());
        });
        sealedNames.Where(f => f.Kept).Select(f => f.ReportId).ShouldBe([named]);
        details.Where(d => new[] { ruth, smith, dave, kim }.Any(d.Contains)).ShouldBeEmpty("the audit detail counts files and never names them");
        factory.Logs.All.ShouldNotContain(ruth);

        // A revealed identity brings back no name: there is none to bring back.
        await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            (await db.Set<ReportRecord>().SingleAsync(r => r.Id == held)).Reveal();
            await db.SaveChangesAsync();
        });
        var (revealed, revealedPage) = await ReportingKit.CaseFilesAsync(manager, held);
        revealed.Count.ShouldBe(2);
        revealed.ShouldAllBe(f => f.Shown == f.Downloaded && f.Shown.StartsWith("evidence-", StringComparison.Ordinal));
        revealedPage.ShouldNotContain(dave);
    }

    /// <summary>
    /// Migration 0029 on data from before it, when every report's files kept the names they were sent with: the names of
    /// a report whose author is still held back go, and its files show as "evidence-1.txt"; a report sent by name, or
    /// one whose identity was revealed before the upgrade, keeps its names.
    /// </summary>
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task The_upgrade_removes_the_file_names_that_reports_still_held_back_had_kept(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("File Names Upgrade Org");
        var slug = await ReportingKit.SlugAsync(factory, org);
        var me = await factory.SignInAsync(org[Roles.Employee]);
        var sent = await factory.Browser().PostMultipartAsync($"/report/{slug}", ReportingKit.Report("Sent without a name.", "other",
            ("Input.Passphrase", ReportingKit.AnonymousPassphrase), ("Input.PassphraseConfirmation", ReportingKit.AnonymousPassphrase)), [("a.txt", "one"u8.ToArray())]);
        sent.StatusCode.ShouldBe(HttpStatusCode.OK);
        var held = ReportingKit.IdOf(await ReportingKit.SendNamedAsync(me, ReportingKit.Report("Held.", "other", ("Input.HoldIdentity", "true")), [("b.txt", "two"u8.ToArray())]));
        var revealed = ReportingKit.IdOf(await ReportingKit.SendNamedAsync(me, ReportingKit.Report("Held, then revealed.", "other", ("Input.HoldIdentity", "true")), [("c.txt", "three"u8.ToArray())]));
        var named = ReportingKit.IdOf(await ReportingKit.SendNamedAsync(me, ReportingKit.Report("Named."), [("d.txt", "four"u8.ToArray())]));
        var anonymous = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<ReportRecord>()
            .Where(r => r.Way == ReportWay.Anonymous).Select(r => r.Id).SingleAsync());
        var sentAs = new Dictionary<Guid, string>
        {
            [anonymous] = $"IMG_{Canary.New("ruth")}_phone.txt",
            [held] = $"{Canary.New("smith")}-timeline.txt",
            [revealed] = $"{Canary.New("dave")}-notes.txt",
            [named] = $"{Canary.New("kim")}-minutes.txt",
        };
        await ReportingKit.AssignToCaseManagerAsync(factory, org);

        var migration = MigrationRunner.Load(engine == Engine.Sqlite ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres).Single(m => m.Version == 29);
        var kept = await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var protector = s.GetRequiredService<FieldProtector>();
            // As before the upgrade: each file sealed with the name it was sent with; one held identity revealed since.
            foreach (var file in await db.Set<ReportFile>().ToListAsync())
            {
                file.Seal(file.KeySealed, protector.Seal(sentAs[file.ReportId], ReportFile.NamePurpose, file.Id));
            }
            (await db.Set<ReportRecord>().SingleAsync(r => r.Id == revealed)).Reveal();
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync(migration.Sql);
            return await db.Set<ReportFile>().AsNoTracking().Where(f => f.NameSealed != null).Select(f => f.ReportId).ToListAsync();
        });

        kept.Order().ShouldBe(new[] { revealed, named }.Order());
        var manager = await factory.SignInAsync(org[Roles.CaseManager]);
        foreach (var (id, expected) in new[] { (anonymous, "evidence-1.txt"), (held, "evidence-1.txt"), (revealed, sentAs[revealed]), (named, sentAs[named]) })
        {
            var (files, page) = await ReportingKit.CaseFilesAsync(manager, id);
            files.ShouldBe([(expected, expected)]);
            if (expected != sentAs[id])
            {
                page.ShouldNotContain(sentAs[id]);
            }
        }
    }

    [Fact]
    public async Task Journal_entries_and_reports_are_their_authors_alone()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Private Org");
        var me = await factory.SignInAsync(org[Roles.Employee]);
        var colleague = await factory.SignInAsync(org[Roles.CaseManager]);
        var text = Canary.New("entry");
        (await me.PostFormAsync("/speak-up/journal", new() { ["Text"] = text })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var id = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<JournalEntry>().Select(e => e.Id).SingleAsync());
        (await me.GetStringAsync("/speak-up/journal")).ShouldContain(text);
        (await colleague.GetStringAsync("/speak-up/journal")).ShouldNotContain(text);
        (await colleague.GetAsync($"/speak-up/journal/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await colleague.PostFormAsync($"/speak-up/journal/{id}", new() { ["Text"] = "overwritten" }, tokenFrom: "/speak-up/journal")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await colleague.PostFormAsync($"/speak-up/journal/{id}?handler=Delete", [], tokenFrom: "/speak-up/journal")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await me.GetStringAsync("/speak-up/journal")).ShouldContain(text);

        var edited = Canary.New("edited");
        (await me.PostFormAsync($"/speak-up/journal/{id}", new() { ["Text"] = edited })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var journal = await me.GetStringAsync("/speak-up/journal");
        journal.ShouldContain(edited);
        journal.ShouldNotContain(text);

        var sent = await me.PostMultipartAsync("/speak-up/report", ReportingKit.Report("What happened to me."));
        var report = sent.Headers.Location!.OriginalString.Split('?')[0];
        (await colleague.GetAsync(report)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await colleague.PostFormAsync(report + "?handler=Reply", new() { ["Reply"] = "hello" }, tokenFrom: "/speak-up/journal")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await colleague.GetStringAsync("/speak-up/reports")).ShouldNotContain(report);
        (await me.GetStringAsync("/speak-up/reports")).ShouldContain(report);

        (await me.PostFormAsync($"/speak-up/journal/{id}?handler=Delete", [], tokenFrom: "/speak-up/journal")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await me.GetAsync($"/speak-up/journal/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_yes_at_a_retaliation_check_in_flags_the_case(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Check-in Org");
        var me = await factory.SignInAsync(org[Roles.Employee]);
        var url = (await me.PostMultipartAsync("/speak-up/report", ReportingKit.Report("It started in March."))).Headers.Location!.OriginalString.Split('?')[0];
        const string question = "Since you reported, have you been treated worse?";
        (await me.GetStringAsync(url)).ShouldNotContain(question);

        factory.Clock.Advance(TimeSpan.FromDays(31));
        me = await factory.SignInAsync(org[Roles.Employee]); // the session from a month ago has expired
        (await me.GetStringAsync(url)).ShouldContain(question);
        (await me.PostFormAsync(url + "?handler=CheckIn", new() { ["Day"] = "90", ["Answer"] = "yes" }, tokenFrom: url)).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "the 90-day check-in is not due");
        (await me.PostFormAsync(url + "?handler=CheckIn", new() { ["Day"] = "30", ["Answer"] = "maybe" }, tokenFrom: url)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await me.PostFormAsync(url + "?handler=CheckIn", new() { ["Day"] = "30", ["Answer"] = "yes" }, tokenFrom: url)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await me.GetStringAsync(url)).ShouldNotContain(question);
        (await me.PostFormAsync(url + "?handler=CheckIn", new() { ["Day"] = "30", ["Answer"] = "no" }, tokenFrom: url)).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "answered once");

        var (flagged, events, answers) = await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var report = await db.Set<ReportRecord>().SingleAsync();
            return (report.RetaliationFlaggedAt, await db.Set<ReportEvent>().Where(e => e.ReportId == report.Id).Select(e => e.Kind).ToListAsync(),
                await db.Set<RetaliationCheckIn>().Select(c => c.Day + ":" + c.Response).ToListAsync());
        });
        flagged.ShouldNotBeNull();
        events.ShouldContain("retaliation-flagged");
        answers.ShouldBe(["30:yes"]);

        factory.Clock.Advance(TimeSpan.FromDays(60));
        me = await factory.SignInAsync(org[Roles.Employee]);
        (await me.GetStringAsync(url)).ShouldContain(question);
    }

    [Fact]
    public async Task An_anonymous_report_whose_routing_fails_is_not_kept_so_it_is_sent_again_once_and_its_receipt_is_shown()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Routing Failure Org");
        var slug = await ReportingKit.SlugAsync(factory, org);
        await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            db.Add(Upstander.Features.Cases.RoutingRule.Create(org.Id, 1, "exclusion", null, null, org[Roles.CaseManager].PersonId, factory.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        });
        var visitor = factory.Browser();
        // Routing's own write fails.
        await using (await factory.Database.RefuseInsertsAsync("audit_events", $"NEW.Action = '{Upstander.Features.Cases.CaseAudit.Routed}'"))
        {
            var failed = await visitor.PostMultipartAsync($"/report/{slug}", ReportingKit.Report("What happened at the depot", "exclusion",
                ("Input.Passphrase", ReportingKit.AnonymousPassphrase), ("Input.PassphraseConfirmation", ReportingKit.AnonymousPassphrase)));
            failed.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
            (await CountAsync(factory, org)).ShouldBe(0, "a report the reporter was told failed, and whose receipt they never saw, must not be a case");
        }

        var receipt = await ReportingKit.SendAnonymousAsync(visitor, slug, "What happened at the depot");
        receipt.ShouldNotBeNullOrEmpty();
        (await CountAsync(factory, org)).ShouldBe(1, "sent again, it is one case, not two");
        var report = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<ReportRecord>().SingleAsync());
        report.AssigneeId.ShouldBe(org[Roles.CaseManager].PersonId);

        static Task<int> CountAsync(UpstanderFactory factory, TestOrganisation org) =>
            factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<ReportRecord>().CountAsync());
    }
}
