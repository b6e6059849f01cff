using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Platform.Data;

namespace Upstander.Tests.TestHost;

public static class AccessTokens
{
    /// <summary>Issues a personal access token for a test account straight into the database and returns a client that sends it.</summary>
    public static async Task<HttpClient> ApiClientAsync(this UpstanderFactory factory, TestOrganisation org, TestAccount account)
    {
        var secret = await factory.InScopeAsync(org.Id, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var (token, secret) = PersonalAccessToken.Issue(org.Id, account.AccountId, "tests", TimeSpan.FromDays(30), account.AccountId, DateTimeOffset.UtcNow);
            db.PersonalAccessTokens.Add(token);
            await db.SaveChangesAsync();
            return secret;
        });
        var client = factory.Browser();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        return client;
    }
}
