using System.Globalization;
using Microsoft.Playwright;
using Upstander.BrowserTests.Site;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Journeys;

/// <summary>
/// From "I need to talk" to a closed conversation with feedback, entirely in the browser, on the demo organisation:
/// the employee asks for a supporter who speaks French (in the demo only Kwame does), chooses the one suggestion,
/// which names nobody; Kwame accepts the offer and writes; the reply appears on the employee's open page without a
/// reload; she writes that she may be at risk, sees crisis services at once, Kwame sees the safety steps and a coordinator
/// the concern without its words, and Kwame records the follow-up; they agree a call and the employee downloads its calendar file; the employee closes the conversation and
/// answers the three questions; Kwame sees it closed and is offered the check-in. Its own demo server.
/// </summary>
public sealed class PeerSupportJourneyTests(DemoSite site) : IClassFixture<DemoSite>
{
    private const string KwameWrites = "Bonjour Ruth, je suis Kwame. Merci de nous avoir écrit : qu'est-ce qui se passe en ce moment ?";
    private const string RuthWrites = "Merci Kwame. C'est surtout en réunion d'équipe, je voudrais en parler au téléphone.";
    private const string RuthAtRisk = "Some nights I think I want to kill myself.";

    [Fact]
    public async Task An_employee_asks_for_support_a_supporter_accepts_they_talk_arrange_a_call_and_close_with_feedback()
    {
        var signIns = await site.Server.DemoSignInsAsync();

        // Ruth asks for someone who speaks French and lets her supporter see her name.
        var ruth = await site.NewPageAsync();
        await ruth.SignInAsync(signIns["Employee"]);
        await ruth.ShouldArriveAtAsync(url => url.AbsolutePath == "/");
        await ruth.GotoAsync("/support");
        await ruth.ShouldBeAccessibleAsync();
        await ruth.GetByRole(AriaRole.Link, new() { Name = "Talk to someone" }).First.ClickAsync();
        await ruth.ShouldArriveAtAsync(url => url.AbsolutePath == "/support/talk");
        await ruth.AskForSupportAsync(new SupportForm.Request("I am experiencing bullying", "This week", ShowName: true) { Language = "French" });
        var request = new Uri(ruth.Url).AbsolutePath;
        var yourSupporter = ruth.GetByRole(AriaRole.Region, new() { Name = "Your supporter" });
        await Expect(yourSupporter.GetByRole(AriaRole.Button, new() { Name = "Choose this supporter" })).ToHaveCountAsync(1);
        await Expect(yourSupporter).Not.ToContainTextAsync("Kwame");
        await ruth.ShouldBeAccessibleAsync();
        await yourSupporter.GetByRole(AriaRole.Button, new() { Name = "Choose this supporter" }).ClickAsync();
        await Expect(ruth.GetByRole(AriaRole.Status).Filter(new() { HasText = "We have asked the supporter you chose." })).ToBeVisibleAsync();
        await Expect(yourSupporter).ToContainTextAsync("We have asked a supporter");
        await ruth.ShouldBeAccessibleAsync();

        // Kwame finds the offer, sees who and what it is about but not her words, and accepts.
        var kwame = await site.NewPageAsync();
        await kwame.SignInAsync(signIns["PeerSupporter"]);
        await kwame.ShouldArriveAtAsync(url => url.AbsolutePath == "/");
        var peerSupport = kwame.GetByRole(AriaRole.Region, new() { Name = "Your peer support" });
        await Expect(peerSupport.GetByRole(AriaRole.Link, new() { Name = "2 requests offered to you" })).ToBeVisibleAsync();
        await Expect(peerSupport).ToContainTextAsync("please answer by");
        await kwame.ShouldBeAccessibleAsync();
        await kwame.GotoAsync("/supporter");
        await kwame.GetByRole(AriaRole.Link, new() { Name = "Requests offered to you", Exact = true }).ClickAsync();
        await kwame.ShouldArriveAtAsync(url => url.AbsolutePath == "/supporter/offers");
        var offer = kwame.GetByRole(AriaRole.Region, new() { Name = "Ruth Abebe" });
        await Expect(offer).ToContainTextAsync("French");
        await Expect(offer).ToContainTextAsync("You will see what they wrote once you accept.");
        await kwame.ShouldBeAccessibleAsync();
        await offer.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await kwame.ShouldArriveAtAsync(url => url.AbsolutePath.StartsWith("/support/conversations/", StringComparison.Ordinal));
        var conversation = new Uri(kwame.Url).AbsolutePath;
        await kwame.ShouldBeAccessibleAsync();

        // Ruth opens the conversation from her request and keeps the page open.
        await ruth.GotoAsync(request);
        await Expect(ruth.GetByRole(AriaRole.Region, new() { Name = "Your supporter" })).ToContainTextAsync("You are talking with a trained peer supporter.");
        await ruth.GetByRole(AriaRole.Link, new() { Name = "Open the conversation" }).ClickAsync();
        await ruth.ShouldArriveAtAsync(url => url.AbsolutePath == conversation);
        await Expect(ruth.GetByText("No messages yet.")).ToBeVisibleAsync();
        await ruth.ShouldBeAccessibleAsync();

        // Kwame writes; the message appears on Ruth's open page without a reload.
        await kwame.GetByLabel("Your message").FillAsync(KwameWrites);
        await kwame.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(kwame.Locator("ol.thread")).ToContainTextAsync(KwameWrites);
        await Expect(ruth.Locator("ol.thread")).ToContainTextAsync(KwameWrites, new() { Timeout = 20_000 });
        ruth.Url.ShouldEndWith(conversation);

        // Ruth replies; it appears on Kwame's page the same way.
        await ruth.GetByLabel("Your message").FillAsync(RuthWrites);
        await ruth.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(kwame.Locator("ol.thread")).ToContainTextAsync(RuthWrites, new() { Timeout = 20_000 });
        await ruth.ShouldBeAccessibleAsync();

        // Ruth writes something that means she may be at risk: her page opens at crisis services; Kwame's open page marks
        // the message, and on reload shows the safety steps; a coordinator sees the concern without its words.
        await ruth.GetByLabel("Your message").FillAsync(RuthAtRisk);
        await ruth.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await ruth.ShouldArriveAtAsync(url => url.AbsolutePath == conversation && url.Fragment == "#help-now");
        var help = ruth.GetByRole(AriaRole.Region, new() { Name = "You do not have to wait: help is here now" });
        await Expect(help).ToBeVisibleAsync();
        await Expect(help).ToContainTextAsync("Samaritans");
        await ruth.ShouldBeAccessibleAsync();
        await Expect(kwame.Locator("ol.thread .message-risk")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await kwame.ReloadAsync();
        var safety = kwame.GetByRole(AriaRole.Region, new() { Name = "Safety concern: they may be at risk" });
        await Expect(safety).ToContainTextAsync("thoughts of harming themselves");
        await kwame.ShouldBeAccessibleAsync();

        var coordinator = await site.NewPageAsync();
        await coordinator.SignInAsync(signIns["Coordinator"]);
        await coordinator.TurnOnTwoFactorAsync();
        await coordinator.GotoAsync("/coordinate/requests");
        var concerns = coordinator.GetByRole(AriaRole.Region, new() { Name = "Safety concerns in conversations" });
        await Expect(concerns).ToContainTextAsync("A message they wrote");
        await Expect(concerns).ToContainTextAsync("Kwame");
        await Expect(coordinator.GetByRole(AriaRole.Main)).Not.ToContainTextAsync(RuthAtRisk);
        await coordinator.ShouldBeAccessibleAsync();

        // Kwame checks in with her and records it: the concern ends for everyone.
        await safety.GetByLabel("I have checked in with them").CheckAsync();
        await safety.GetByRole(AriaRole.Button, new() { Name = "Record the follow-up" }).ClickAsync();
        await Expect(kwame.GetByRole(AriaRole.Status).Filter(new() { HasText = "Thank you: the follow-up is recorded." })).ToBeVisibleAsync();
        await Expect(kwame.GetByRole(AriaRole.Region, new() { Name = "Safety concern: they may be at risk" })).ToHaveCountAsync(0);
        await ruth.ReloadAsync();
        await Expect(ruth.GetByRole(AriaRole.Region, new() { Name = "You do not have to wait: help is here now" })).ToHaveCountAsync(0);

        // Kwame suggests two times for a call, in the demo organisation's zone; Ruth takes the second and downloads the calendar file.
        var day = DateTime.UtcNow.Date.AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await kwame.GetByLabel("Date 1").FillAsync(day);
        await kwame.GetByLabel("Time 1 (London time)").FillAsync("10:00");
        await kwame.GetByLabel("Date 2").FillAsync(day);
        await kwame.GetByLabel("Time 2 (London time)").FillAsync("14:30");
        await kwame.GetByRole(AriaRole.Radio, new() { Name = "A call", Exact = true }).CheckAsync();
        await kwame.GetByRole(AriaRole.Button, new() { Name = "Suggest", Exact = true }).ClickAsync();
        await Expect(kwame.GetByRole(AriaRole.Status).Filter(new() { HasText = "Your suggestion has been sent." })).ToBeVisibleAsync();

        await ruth.ReloadAsync();
        var meetings = ruth.GetByRole(AriaRole.Region, new() { Name = "Calls and meetings" });
        await meetings.GetByRole(AriaRole.Radio).Nth(1).CheckAsync();
        await meetings.GetByRole(AriaRole.Button, new() { Name = "Answer" }).ClickAsync();
        meetings = ruth.GetByRole(AriaRole.Region, new() { Name = "Calls and meetings" });
        await Expect(meetings).ToContainTextAsync("Agreed:");
        await Expect(meetings).ToContainTextAsync("14:30 London time");
        var download = await ruth.RunAndWaitForDownloadAsync(() =>
            meetings.GetByRole(AriaRole.Link, new() { Name = "Add to your calendar (.ics file)" }).ClickAsync());
        var ics = await File.ReadAllTextAsync(await download.PathAsync() ?? throw new InvalidOperationException("No download."));
        ics.ShouldStartWith("BEGIN:VCALENDAR\r\n");
        var agreed = TimeZoneInfo.ConvertTimeToUtc(DateTime.ParseExact(day + " 14:30", "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
        ics.ShouldContain("DTSTART:" + agreed.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        ics.ShouldNotContain("Kwame");
        ics.ShouldNotContain("Ruth");
        await ruth.ShouldBeAccessibleAsync();

        // Ruth closes the conversation and answers the three questions.
        await ruth.GetByLabel("Yes, close the conversation").CheckAsync();
        await ruth.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).ClickAsync();
        await Expect(ruth.GetByRole(AriaRole.Status).Filter(new() { HasText = "The conversation is closed." })).ToBeVisibleAsync();
        await Expect(ruth.GetByRole(AriaRole.Heading, new() { Name = "How was it?" })).ToBeVisibleAsync();
        await ruth.ShouldBeAccessibleAsync();
        await ruth.GetByRole(AriaRole.Group, new() { Name = "I felt heard." }).GetByLabel("Strongly agree").CheckAsync();
        await ruth.GetByRole(AriaRole.Group, new() { Name = "It helped me with my next steps." }).GetByLabel("Agree", new() { Exact = true }).CheckAsync();
        await ruth.GetByRole(AriaRole.Group, new() { Name = "I would recommend talking to a peer supporter." }).GetByLabel("Strongly agree").CheckAsync();
        await ruth.GetByLabel("Anything else you would like to say (optional)").FillAsync("Merci, cela m'a beaucoup aidée.");
        await ruth.GetByRole(AriaRole.Button, new() { Name = "Send your answers" }).ClickAsync();
        await Expect(ruth.GetByRole(AriaRole.Status).Filter(new() { HasText = "Thank you for your answers." })).ToBeVisibleAsync();
        await Expect(ruth.GetByRole(AriaRole.Heading, new() { Name = "How was it?" })).ToHaveCountAsync(0);
        await Expect(ruth.GetByRole(AriaRole.Button, new() { Name = "Reopen the conversation" })).ToBeVisibleAsync();
        await Expect(ruth.GetByLabel("Your message")).ToHaveCountAsync(0);
        await ruth.ShouldBeAccessibleAsync();

        // Kwame sees it closed, read-only, and is offered the check-in.
        await kwame.ReloadAsync();
        await Expect(kwame.GetByRole(AriaRole.Main)).ToContainTextAsync("This conversation was closed on");
        await Expect(kwame.GetByLabel("Your message")).ToHaveCountAsync(0);
        await kwame.GetByRole(AriaRole.Link, new() { Name = "Check in: how are you after this conversation?" }).ClickAsync();
        await kwame.ShouldArriveAtAsync(url => url.AbsolutePath == "/supporter/check-in");
        await kwame.ShouldBeAccessibleAsync();
    }
}
