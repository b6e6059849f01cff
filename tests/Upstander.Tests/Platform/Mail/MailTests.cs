using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Upstander.Features.Accounts;
using Upstander.Features.Organisations;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Mail;
using Upstander.Platform.Security;
using Upstander.Tests.Features.Accounts;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Mail;

/// <summary>Invitations by email through a real SMTP conversation with a mail server on loopback.</summary>
public sealed partial class MailTests : IAsyncLifetime
{
    private readonly SmtpSink _sink = new();
    private UpstanderFactory _factory = null!;
    private TestOrganisation _org = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task StartAsync(Engine engine = Engine.Sqlite)
    {
        _factory = new UpstanderFactory(engine, _sink.Settings());
        _org = await _factory.CreateOrganisationAsync("Mail Org");
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        await _sink.DisposeAsync();
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task An_invitation_is_emailed_with_a_link_that_works_and_the_link_is_never_stored_readable(Engine engine)
    {
        await StartAsync(engine);
        var personId = await _factory.AddPersonAsync(_org.Id, "Mia Mailed", "mia@mail-org.example");
        var admin = await _factory.SignInAsync(_org[Roles.Admin]);

        var form = await admin.GetStringAsync($"/admin/invitations/new?person={personId}");
        form.ShouldContain("Upstander emails the link to mia@mail-org.example.");
        var created = await admin.PostFormAsync($"/admin/invitations/new?person={personId}", new() { ["person"] = personId.ToString() });
        created.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await created.Content.ReadAsStringAsync();
        page.ShouldContain("Invitation created for Mia Mailed. It is on its way to mia@mail-org.example.");
        page.ShouldContain("Send the link yourself instead");

        var message = await _sink.WaitForMailToAsync("mia@mail-org.example");
        message.Subject.ShouldBe("Mail Org: your invitation to Upstander");
        message.From.Mailboxes.Single().Address.ShouldBe("upstander@mail.example");
        message.To.Mailboxes.Single().Name.ShouldBe("Mia Mailed");
        message.Headers["Auto-Submitted"].ShouldBe("auto-generated");
        message.HtmlBody.ShouldBeNull("plain text only: nothing in it can report that it was opened");
        var text = message.TextBody ?? "";
        text.ShouldContain("Hello Mia Mailed,");
        text.ShouldContain("It works once, until");
        var link = LinkRegex().Match(text).Value;
        link.ShouldNotBeEmpty();
        var token = AccountsTestKit.TokenOf(link);

        await DrainAsync();
        var mail = await OutgoingAsync();
        mail.SentAt.ShouldNotBeNull();
        mail.Sealed.ShouldBeEmpty("once gone, the message and its link are wiped");
        mail.Purpose.ShouldBe(InvitationIssuer.MailPurpose);
        (await AuditActionsAsync()).ShouldContain(AuditActions.MailSent);

        var list = await admin.GetStringAsync("/admin/invitations");
        list.ShouldContain("data-mail=\"sent\"");
        list.ShouldContain("Emailed ");

        // The link was sealed while it waited and wiped after: it never reached the database, a dump or the logs readable.
        var stored = engine == Engine.Sqlite ? Canary.SqliteBytes(_factory.Database) : await Canary.PostgresDumpAsync(_factory.Database);
        Canary.Contains(stored, token).ShouldBeFalse();
        _factory.Logs.All.ShouldNotContain(token);
        _factory.Logs.All.ShouldNotContain("mia@mail-org.example");

        var accepted = await _factory.Browser().AcceptWithPasswordAsync(link, "lantern orchard pebble violin");
        accepted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        accepted.Headers.Location!.OriginalString.ShouldBe("/");

        // The record of what went is kept for the invitations page, then removed.
        _factory.Clock.Advance(TimeSpan.FromDays(31));
        (await MailServices.RemoveOldAsync(_factory.Services.GetRequiredService<IServiceScopeFactory>(), CancellationToken.None)).Removed.ShouldBeTrue();
        (await OutgoingCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task A_refused_address_is_given_up_at_once_and_the_invitations_page_says_why()
    {
        await StartAsync();
        _sink.RecipientReplies["rex@mail-org.example"] = "550 5.1.1 No such user here";
        var personId = await _factory.AddPersonAsync(_org.Id, "Rex Refused", "rex@mail-org.example");
        var api = await _factory.SignInForApiAsync(_org[Roles.Admin]);
        var response = await api.PostAsJsonAsync("/api/v1/invitations", new { personId, roles = Array.Empty<string>() });
        (await response.Content.ReadFromJsonAsync<InvitationCreatedView>())!.Emailed.ShouldBeTrue();

        await DrainAsync();
        var mail = await OutgoingAsync();
        mail.FailedAt.ShouldNotBeNull();
        mail.Failure.ShouldBe(MailFailures.AddressRefused);
        mail.Attempts.ShouldBe(1);
        mail.Sealed.ShouldBeEmpty();
        (await AuditActionsAsync()).ShouldContain(AuditActions.MailFailed);
        _factory.Logs.All.ShouldContain("The mail server refused an outgoing invitation message (SMTP 550 to RecipientNotAccepted)");
        _factory.Logs.All.ShouldNotContain("rex@mail-org.example");

        var list = await (await _factory.SignInAsync(_org[Roles.Admin])).GetStringAsync("/admin/invitations");
        list.ShouldContain("data-mail=\"failed\"");
        list.ShouldContain("Not delivered: the mail server refused the address.");

        // Never tried again.
        _factory.Clock.Advance(TimeSpan.FromHours(5));
        _sink.RecipientReplies.Clear();
        await DrainAsync();
        _sink.Received.ShouldBeEmpty();
        (await OutgoingAsync()).Attempts.ShouldBe(1);
    }

    [Fact]
    public async Task A_server_that_is_down_is_tried_again_after_a_wait_and_the_mail_goes_when_it_is_back()
    {
        await StartAsync();
        _sink.Greeting = "421 4.3.2 Service not available";
        var personId = await _factory.AddPersonAsync(_org.Id, "Dot Deferred", "dot@mail-org.example");
        var api = await _factory.SignInForApiAsync(_org[Roles.Admin]);
        await api.InviteAsync(personId);

        await DrainAsync();
        var waiting = await OutgoingAsync();
        waiting.Attempts.ShouldBe(1);
        waiting.SentAt.ShouldBeNull();
        waiting.FailedAt.ShouldBeNull();
        waiting.NextAttemptAt.ShouldBe(_factory.Clock.GetUtcNow() + TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5));
        _factory.Logs.All.ShouldContain("could not take mail (SMTP 421 to UnexpectedStatusCode); 1 messages wait for the next attempt.");
        (await (await _factory.SignInAsync(_org[Roles.Admin])).GetStringAsync("/admin/invitations"))
            .ShouldContain("Not sent yet: the mail server could not take it, so it is tried again");

        // Before the wait is over nothing is tried; after it, the mail goes.
        await DrainAsync();
        (await OutgoingAsync()).Attempts.ShouldBe(1);
        _sink.Greeting = null;
        _factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await DrainAsync();
        _sink.Received.ShouldHaveSingleItem().To.Mailboxes.Single().Address.ShouldBe("dot@mail-org.example");
        var sent = await OutgoingAsync();
        sent.SentAt.ShouldNotBeNull();
        sent.Attempts.ShouldBe(2);
    }

    [Fact]
    public async Task A_withdrawn_invitation_is_never_emailed()
    {
        await StartAsync();
        _sink.Greeting = "421 4.3.2 Service not available";
        var personId = await _factory.AddPersonAsync(_org.Id, "Wren Withdrawn", "wren@mail-org.example");
        var api = await _factory.SignInForApiAsync(_org[Roles.Admin]);
        var created = await api.PostAsJsonAsync("/api/v1/invitations", new { personId, roles = Array.Empty<string>() });
        var invitation = (await created.Content.ReadFromJsonAsync<InvitationCreatedView>())!;
        await DrainAsync();
        (await OutgoingAsync()).Attempts.ShouldBe(1);

        (await api.DeleteAsync($"/api/v1/invitations/{invitation.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await OutgoingCountAsync()).ShouldBe(0);

        _sink.Greeting = null;
        _factory.Clock.Advance(TimeSpan.FromHours(5));
        await DrainAsync();
        _sink.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task Inviting_everyone_emails_each_person_their_own_link_and_shows_no_links()
    {
        await StartAsync();
        string[] people = ["ana@mail-org.example", "ben@mail-org.example", "cai@mail-org.example"];
        foreach (var address in people)
        {
            await _factory.AddPersonAsync(_org.Id, address[..3].ToUpperInvariant(), address);
        }
        var admin = await _factory.SignInAsync(_org[Roles.Admin]);
        (await admin.GetStringAsync("/admin/invitations/everyone")).ShouldContain("Upstander emails each person their own link at their work address.");
        var result = await admin.PostFormAsync("/admin/invitations/everyone", []);
        var page = await result.Content.ReadAsStringAsync();
        page.ShouldContain("link is on its way to their work address.");
        page.ShouldNotContain(InvitationIssuer.AcceptPath + "?token=");
        page.ShouldNotContain("data:text/csv");

        var links = new HashSet<string>();
        foreach (var address in people)
        {
            var message = await _sink.WaitForMailToAsync(address);
            links.Add(LinkRegex().Match(message.TextBody ?? "").Value);
        }
        links.Count.ShouldBe(3, "each person gets a link of their own");

        // With nobody left to invite, the page still says how invitations travel.
        var again = await (await admin.PostFormAsync("/admin/invitations/everyone", [])).Content.ReadAsStringAsync();
        again.ShouldContain("0 invitations created.");
        again.ShouldNotContain("Upstander does not send email.");
    }

    [Fact]
    public async Task More_than_a_batch_goes_out_in_passes_one_after_another_without_waiting_for_the_next_minute()
    {
        await StartAsync();
        var count = MailDelivery.BatchSize + 1;
        for (var i = 0; i < count; i++)
        {
            await _factory.AddPersonAsync(_org.Id, $"Batch Person {i}", $"batch{i}@mail-org.example");
        }
        var admin = await _factory.SignInAsync(_org[Roles.Admin]);
        (await admin.PostFormAsync("/admin/invitations/everyone", [])).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The job's timer runs every minute; the last message must not wait for it.
        await _sink.WaitForAsync(_ => _sink.Received.Count >= count, TimeSpan.FromSeconds(30));
        _sink.Received.Select(m => m.To.Mailboxes.Single().Address).Distinct().Count().ShouldBe(count);
    }

    [Fact]
    public async Task An_API_caller_can_keep_the_link_out_of_the_mail()
    {
        await StartAsync();
        var personId = await _factory.AddPersonAsync(_org.Id, "Kit Kept", "kit@mail-org.example");
        var api = await _factory.SignInForApiAsync(_org[Roles.Admin]);
        var response = await api.PostAsJsonAsync("/api/v1/invitations", new { personId, roles = Array.Empty<string>(), email = false });
        var view = (await response.Content.ReadFromJsonAsync<InvitationCreatedView>())!;
        view.Emailed.ShouldBeFalse();
        view.Link.ShouldContain(InvitationIssuer.AcceptPath);
        (await OutgoingCountAsync()).ShouldBe(0);
        (await (await _factory.SignInAsync(_org[Roles.Admin])).GetStringAsync("/admin/invitations")).ShouldContain("Not emailed");
    }

    [Fact]
    public async Task Without_a_public_url_emailed_links_never_take_their_address_from_the_host_the_request_named()
    {
        (_factory, var admin, var listening) = AccountsTestKit.WithoutPublicUrl(_sink, 5097);
        _org = await _factory.CreateOrganisationAsync("Mail Org");
        var personId = await _factory.AddPersonAsync(_org.Id, "Mia Mailed", "mia@mail-org.example");
        await admin.SignInAsync(_org[Roles.Admin]);

        // An emailed invitation: the email and the page show the address Upstander listens on, not the request's Host.
        var page = await (await admin.PostFormAsync($"/admin/invitations/new?person={personId}", new() { ["person"] = personId.ToString() })).Content.ReadAsStringAsync();
        var shown = System.Net.WebUtility.HtmlDecode(ShownLinkRegex().Match(page).Value);
        shown.ShouldStartWith(listening + InvitationIssuer.AcceptPath + "?token=", Case.Sensitive);
        LinkRegex().Match((await _sink.WaitForMailToAsync("mia@mail-org.example")).TextBody ?? "").Value.ShouldBe(shown);

        // A notice of waiting work queued while a request is being answered.
        await _factory.InScopeAsync(_org.Id, services =>
        {
            services.GetRequiredService<Microsoft.AspNetCore.Http.IHttpContextAccessor>().HttpContext =
                new Microsoft.AspNetCore.Http.DefaultHttpContext { Request = { Scheme = "https", Host = new("evil.example") } };
            services.GetRequiredService<WorkMail>().Link("/cases").ShouldBe(listening + "/cases");
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task Mail_settings_that_would_send_links_unencrypted_or_cannot_work_stop_the_start_with_each_problem_named()
    {
        await using var factory = new UpstanderFactory(settings: new Dictionary<string, string?>
        {
            ["Mail:Host"] = "mail.example.org",
            ["Mail:Security"] = "None",
            ["Mail:From"] = "not an address",
            ["Mail:UserName"] = "upstander",
        });
        var failure = Should.Throw<OptionsValidationException>(() => factory.Server);
        failure.Message.ShouldContain("Mail:Security None sends invitation links unencrypted, so it is allowed only to a relay on this machine (localhost), not to mail.example.org.");
        failure.Message.ShouldContain("Mail:From must be the sender's address");
        failure.Message.ShouldContain("Mail:UserName and Mail:Password go together");
    }

    [Theory]
    [InlineData("upstander.example.org", "with https://")]
    [InlineData("ftp://upstander.example.org", "with https://")]
    [InlineData("https://upstander.example.org/?next=1", "without a user name, query or fragment")]
    public void A_public_url_that_links_cannot_be_built_from_stops_the_start_with_the_reason(string value, string reason)
    {
        using var factory = new UpstanderFactory(settings: new Dictionary<string, string?> { ["PublicUrl"] = value });
        var failure = Should.Throw<InvalidOperationException>(() => factory.CreateClient());
        failure.ToString().ShouldContain($"PublicUrl must be");
        failure.ToString().ShouldContain(reason);
        failure.ToString().ShouldContain($"not \"{value}\"");
    }

    [Fact]
    public async Task Invitation_links_are_built_from_the_public_url_and_mail_without_one_is_warned_about_at_start()
    {
        await using (var configured = new UpstanderFactory(settings: new Dictionary<string, string?> { ["PublicUrl"] = "https://upstander.example.org/" }))
        {
            var org = await configured.CreateOrganisationAsync("Public Url Org");
            var personId = await configured.AddPersonAsync(org.Id, "Lin Link", "lin@public-url.example");
            var api = await configured.SignInForApiAsync(org[Roles.Admin]);
            var created = await api.PostAsJsonAsync("/api/v1/invitations", new { personId, roles = Array.Empty<string>(), email = false });
            (await created.Content.ReadFromJsonAsync<InvitationCreatedView>())!.Link
                .ShouldStartWith("https://upstander.example.org" + InvitationIssuer.AcceptPath + "?token=");
            configured.Logs.All.ShouldNotContain("PublicUrl is not set");
        }
        var settings = _sink.Settings();
        settings["PublicUrl"] = "";
        await using var unset = new UpstanderFactory(settings: settings);
        _ = unset.Server;
        unset.Logs.All.ShouldContain("Mail is on but PublicUrl is not set");
    }

    [Fact]
    public void Waits_double_from_a_minute_to_four_hours_and_the_message_is_given_up_after_about_a_day()
    {
        var now = DateTimeOffset.Parse("2031-03-01T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var mail = OutgoingMail.Queue(Guid.NewGuid(), "invitation", Guid.NewGuid(), now, _ => "sealed");
        var waits = new List<double>();
        while (mail.IsWaiting)
        {
            var before = mail.NextAttemptAt;
            mail.Deferred(before);
            if (mail.IsWaiting)
            {
                waits.Add((mail.NextAttemptAt - before).TotalMinutes);
            }
        }
        waits.ShouldBe([1, 2, 4, 8, 16, 32, 64, 128, 240, 240, 240, 240, 240]);
        mail.Attempts.ShouldBe(OutgoingMail.MaxAttempts);
        TimeSpan.FromMinutes(waits.Sum()).TotalHours.ShouldBe(24.25);
        mail.Failure.ShouldBe(MailFailures.GaveUp);
        mail.Sealed.ShouldBeEmpty();
    }

    /// <summary>
    /// One delivery pass of our own. The job woken by the save may be delivering at the same moment; the pass waits for
    /// its section, so when this returns every message that was due has been handled by one of them.
    /// </summary>
    private Task DrainAsync() =>
        _factory.Services.GetServices<IHostedService>().OfType<MailDeliveryJob>().Single().RunOnceAsync(CancellationToken.None);

    private Task<OutgoingMail> OutgoingAsync() =>
        _factory.InScopeAsync(_org.Id, s => s.GetRequiredService<AppDbContext>().Set<OutgoingMail>().AsNoTracking().SingleAsync());

    private Task<int> OutgoingCountAsync() =>
        _factory.InScopeAsync(_org.Id, s => s.GetRequiredService<AppDbContext>().Set<OutgoingMail>().CountAsync());

    private Task<List<string>> AuditActionsAsync() =>
        _factory.InScopeAsync(_org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents.Select(e => e.Action).ToListAsync());

    [GeneratedRegex(@"https?://\S+/account/invitation\?token=\S+")]
    private static partial Regex LinkRegex();

    [GeneratedRegex(@"https?://[^\s""<]+/account/invitation\?token=[^\s""<]+")]
    private static partial Regex ShownLinkRegex();
}
