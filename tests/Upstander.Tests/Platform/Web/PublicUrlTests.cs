using Microsoft.Extensions.Configuration;
using Upstander.Platform;

namespace Upstander.Tests.Platform.Web;

/// <summary>Where links point when no PublicUrl is set: the address Upstander listens on, as a browser on the machine opens it.</summary>
public sealed class PublicUrlTests
{
    [Theory]
    [InlineData(null, null, Startup.DefaultUrl)]
    [InlineData("http://127.0.0.1:6000", null, "http://127.0.0.1:6000")]
    [InlineData("http://localhost:6000/", null, "http://localhost:6000")]
    [InlineData("http://0.0.0.0:8080", null, "http://localhost:8080")]
    [InlineData("http://*:8080", null, "http://localhost:8080")]
    [InlineData("http://+:8080", null, "http://localhost:8080")]
    [InlineData("http://[::]:8080", null, "http://localhost:8080")]
    [InlineData("https://upstander.example.org:8443;http://127.0.0.1:8080", null, "https://upstander.example.org:8443")]
    [InlineData(null, "http://[::1]:7000", "http://[::1]:7000")]
    public void Without_a_public_url_links_use_the_first_address_upstander_listens_on(string? urls, string? environment, string expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls, ["ASPNETCORE_URLS"] = environment })
            .Build();
        Startup.LocalUrl(configuration).ShouldBe(expected);
    }
}
