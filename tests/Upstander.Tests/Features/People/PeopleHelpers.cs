using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.People;

/// <summary>Drives the import pages and API the way an admin's browser or script does.</summary>
public static class PeopleHelpers
{
    public static MultipartFormDataContent FileContent(string csv, string fileName = "people.csv", string? token = null)
    {
        var form = new MultipartFormDataContent();
        if (token is not null)
        {
            form.Add(new StringContent(token), "__RequestVerificationToken");
        }
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "Upload", fileName);
        return form;
    }

    /// <summary>Uploads through the page; returns the response (a redirect to the report when the file could be read).</summary>
    public static async Task<HttpResponseMessage> UploadAsync(this HttpClient client, string csv, string fileName = "people.csv")
    {
        var token = await client.AntiforgeryTokenAsync("/admin/people/import");
        return await client.PostAsync("/admin/people/import", FileContent(csv, fileName, token));
    }

    /// <summary>Uploads, expecting a readable file; returns the report page's address.</summary>
    public static async Task<string> UploadReadableAsync(this HttpClient client, string csv)
    {
        var response = await client.UploadAsync(csv);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return response.Headers.Location!.OriginalString;
    }

    /// <summary>Presses an import button on the report page and waits for the background job; returns the progress page's address.</summary>
    public static async Task<string> ImportAsync(this HttpClient client, UpstanderFactory factory, Guid organisationId, string reportUrl, string mode)
    {
        var response = await client.PostFormAsync(reportUrl, new() { ["mode"] = mode });
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var progressUrl = response.Headers.Location!.OriginalString;
        var jobId = Guid.Parse(progressUrl.Split('/')[^1]);
        var job = factory.Services.GetRequiredService<PeopleImportJobs>().Job(jobId, organisationId).ShouldNotBeNull();
        await job.Completion.WaitAsync(TimeSpan.FromMinutes(5));
        return progressUrl;
    }

    public static async Task<HttpResponseMessage> ApiImportAsync(this HttpClient client, string csv, string mode, string fileName = "people.csv")
    {
        var token = await client.AntiforgeryTokenAsync("/admin/people/import");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/people/import?mode={mode}");
        request.Headers.Add("RequestVerificationToken", token);
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", fileName);
        request.Content = form;
        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> ApiSendAsync(this HttpClient client, HttpMethod method, string url, object body)
    {
        var token = await client.AntiforgeryTokenAsync("/admin/people");
        using var request = new HttpRequestMessage(method, url) { Content = System.Net.Http.Json.JsonContent.Create(body) };
        request.Headers.Add("RequestVerificationToken", token);
        return await client.SendAsync(request);
    }

    public static Task<List<Person>> PeopleAsync(this UpstanderFactory factory, Guid organisationId) =>
        factory.InScopeAsync(organisationId, services => services.GetRequiredService<AppDbContext>().People.AsNoTracking().ToListAsync());

    public static Task<List<AuditEvent>> AuditAsync(this UpstanderFactory factory, Guid organisationId, string action) =>
        factory.InScopeAsync(organisationId, services =>
            services.GetRequiredService<AppDbContext>().AuditEvents.AsNoTracking().Where(e => e.Action == action).OrderBy(e => e.Sequence).ToListAsync());
}
