using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Organisations;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.People;
using Upstander.Features.Training;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.PeerSupport.Conversations;

/// <summary>A test host with one request accepted by the organisation's peer supporter: the conversation, and both sides signed in.</summary>
public sealed class ConversationWorld : IAsyncDisposable
{
    private ConversationWorld(UpstanderFactory factory, TestOrganisation org) => (Factory, Org) = (factory, org);

    public UpstanderFactory Factory { get; }
    public TestOrganisation Org { get; }
    public Guid Id { get; private set; }
    public HttpClient Requester { get; private set; } = null!;
    public HttpClient Supporter { get; private set; } = null!;
    public string Path => $"/support/conversations/{Id}";

    public static async Task<ConversationWorld> StartAsync(
        Engine engine = Engine.Sqlite, string details = "", string showName = "pseudonym", IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var factory = new UpstanderFactory(engine, settings) { TestServices = services };
        var world = new ConversationWorld(factory, await factory.CreateOrganisationAsync("Talk Org"));
        world.Requester = await factory.SignInAsync(world.Org[Roles.Employee]);
        world.Supporter = await factory.SignInAsync(world.Org[Roles.PeerSupporter]);
        await world.CertifyAsync(world.Org[Roles.PeerSupporter].PersonId);
        world.Id = await world.AskAsync(world.Requester, details, showName);
        await world.AcceptAsync(world.Id, world.Org[Roles.PeerSupporter].PersonId);
        return world;
    }

    public async Task<Guid> AskAsync(HttpClient client, string details = "", string showName = "pseudonym")
    {
        var location = Location(await PostAsync(client, "/support/talk",
            ("Topic", "experiencing"), ("Timing", "this-week"), ("Channel", "messages"), ("ShowName", showName), ("Details", details),
            ("answer-safe-now", "yes"), ("answer-self-harm", "no"), ("answer-harm-others", "no")));
        return Guid.Parse(location["/support/requests/".Length..].Split('?')[0]);
    }

    /// <summary>Signs the person off as a peer supporter now (a certificate for 12 months), as a coordinator would.</summary>
    public Task CertifyAsync(Guid personId) => Factory.InScopeAsync(Org.Id, async s =>
    {
        var db = s.GetRequiredService<AppDbContext>();
        var now = Factory.Clock.GetUtcNow();
        var request = SignOffRequest.Open(Org.Id, personId, now);
        request.SignOff(Org[Roles.Coordinator].PersonId, DateOnly.FromDateTime(now.UtcDateTime), null, now);
        db.Add(request);
        db.Add(Certificate.Issue(request, now, 12));
        await db.SaveChangesAsync();
    });

    /// <summary>Offers the request to the supporter and accepts it, as the matching pages would.</summary>
    public Task AcceptAsync(Guid id, Guid supporterId) => ChangeAsync(id, r =>
    {
        r.Offer(supporterId);
        r.Accept(Factory.Clock.GetUtcNow());
    });

    public Task ChangeAsync(Guid id, Action<SupportRequestRecord> change) => Factory.InScopeAsync(Org.Id, async s =>
    {
        var db = s.GetRequiredService<AppDbContext>();
        change(await db.Set<SupportRequestRecord>().SingleAsync(r => r.Id == id));
        await db.SaveChangesAsync();
    });

    public Task<SupportRequestRecord> RecordAsync(Guid? id = null) => Factory.InScopeAsync(Org.Id, s =>
        s.GetRequiredService<AppDbContext>().Set<SupportRequestRecord>().AsNoTracking().SingleAsync(r => r.Id == (id ?? Id)));

    public Task<T> DbAsync<T>(Func<AppDbContext, Task<T>> query) => Factory.InScopeAsync(Org.Id, s => query(s.GetRequiredService<AppDbContext>()));

    /// <summary>Another peer supporter in the same organisation, signed in.</summary>
    public async Task<(TestAccount Account, HttpClient Client)> SecondSupporterAsync()
    {
        var account = await Factory.InScopeAsync(null, async s =>
        {
            var (person, created) = await s.GetRequiredService<OrganisationSetup>().CreatePersonWithAccountAsync(Org.Id,
                new PersonDetails("Second Supporter", "second@talkorg.example", "talkorg-second", null, null, null, null, "en", null, null),
                [Roles.PeerSupporter], UpstanderFactory.Password, CancellationToken.None);
            return new TestAccount(Roles.PeerSupporter, "second@talkorg.example", created.Id, person.Id, null);
        });
        return (account, await Factory.SignInAsync(account));
    }

    public async Task SendAsync(HttpClient client, string body) =>
        Location(await PostAsync(client, Path, ("Body", body))).ShouldStartWith(Path);

    /// <summary>Posts with a token from another page, for callers who cannot open the conversation at all.</summary>
    public static async Task<HttpResponseMessage> PostAsOutsiderAsync(HttpClient client, string url, params (string, string)[] fields)
    {
        var token = await client.AntiforgeryTokenAsync("/support/talk");
        return await client.PostAsync(url, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)).Append(new("__RequestVerificationToken", token))));
    }

    public static async Task<string> BodyAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}
