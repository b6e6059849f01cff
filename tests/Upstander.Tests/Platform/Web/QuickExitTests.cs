using Upstander.Platform.Security;
using Upstander.Platform.Web;
using Upstander.Tests.Features.SpeakUp.Reporting;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Web;

/// <summary>"Leave this page quickly" is on the pages about what happened to someone, and only there, going where the operator chose.</summary>
public sealed class QuickExitTests
{
    private const string Marker = "data-quick-exit";

    [Fact]
    public async Task Speaking_up_and_support_pages_offer_it_and_other_pages_do_not()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite);
        var org = await factory.CreateOrganisationAsync("Exit Org");
        var me = await factory.SignInAsync(org[Roles.Employee]);
        foreach (var path in new[] { "/speak-up", "/speak-up/report", "/speak-up/journal", "/speak-up/reports", "/speak-up/escrow", "/support", "/support/resources" })
        {
            (await me.GetStringAsync(path)).ShouldContain($"href=\"{QuickExit.DefaultUrl}\" rel=\"noreferrer\" {Marker}", customMessage: path);
        }
        foreach (var path in new[] { "/", "/account", "/training", "/privacy" })
        {
            (await me.GetStringAsync(path)).ShouldNotContain(Marker, customMessage: path);
        }
        var slug = await ReportingKit.SlugAsync(factory, org);
        (await factory.Browser().GetStringAsync($"/report/{slug}")).ShouldContain(Marker, customMessage: "the anonymous report too");
        (await factory.Browser().GetStringAsync($"/report/{slug}/follow-up")).ShouldContain(Marker);
    }

    [Fact]
    public async Task The_operator_chooses_where_it_goes()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, new Dictionary<string, string?> { [QuickExit.Setting] = "https://intranet.example.org/news" });
        var org = await factory.CreateOrganisationAsync("Chosen Org");
        var me = await factory.SignInAsync(org[Roles.Employee]);
        (await me.GetStringAsync("/speak-up")).ShouldContain("href=\"https://intranet.example.org/news\" rel=\"noreferrer\" data-quick-exit");
    }
}
