using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Upstander.Ceiling;

// The ceiling for Upstander's three measured requests: the same database work against the same
// database, with nothing around it (no Identity, no Razor, no middleware beyond Kestrel and routing).
// Only scripts/bench starts it, on loopback, next to an Upstander that created the database.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(o => o.AddServerHeader = false);
var settings = builder.Configuration;
var store = CeilingStore.Open(
    settings["Database:Provider"] ?? "Sqlite",
    settings["Database:Connection"] ?? throw new InvalidOperationException("Give --Database:Connection (the database Upstander created)."));

// Upstander reads the person and organisation from its session cookie; the ceiling is told them once.
var homePerson = Guid.Parse(settings["HomePersonId"] ?? throw new InvalidOperationException("Give --HomePersonId."));
var homeOrganisation = Guid.Parse(settings["HomeOrganisationId"] ?? throw new InvalidOperationException("Give --HomeOrganisationId."));

var app = builder.Build();

var signInPage = Encoding.UTF8.GetBytes(Pages.SignIn);
app.MapGet("/account/sign-in", (HttpContext context) =>
{
    context.Response.ContentType = "text/html; charset=utf-8";
    return context.Response.Body.WriteAsync(signInPage).AsTask();
});

app.MapGet("/", async (HttpContext context) =>
{
    var home = await store.HomeAsync(homeOrganisation, homePerson, context.RequestAborted);
    var firstName = home.Name?.Split(' ', 2)[0] ?? "there";
    var support = new StringBuilder();
    if (home.Waiting > 0)
    {
        support.Append(CultureInfo.InvariantCulture, $"<li><a href=\"/support/requests\">{home.Waiting} requests waiting for a supporter</a></li>");
    }
    foreach (var (supporter, unread) in home.Conversations)
    {
        support.Append(CultureInfo.InvariantCulture, $"<li><a href=\"/support/conversations\">Your conversation with {HtmlEncoder.Default.Encode(supporter)}</a>: {unread} new messages</li>");
    }
    context.Response.ContentType = "text/html; charset=utf-8";
    await context.Response.WriteAsync(Pages.Home(HtmlEncoder.Default.Encode(firstName), support.ToString()), context.RequestAborted);
});

app.MapGet("/api/v1/people/{id:guid}", async (Guid id, HttpContext context) =>
{
    string? header = context.Request.Headers.Authorization;
    if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
    {
        return Results.Unauthorized();
    }
    var secret = header["Bearer ".Length..].Trim();
    if (secret.Length != 47 || !secret.StartsWith("upt_", StringComparison.Ordinal))
    {
        return Results.Unauthorized();
    }
    var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    var caller = await store.TokenHolderAsync(hash, DateTimeOffset.UtcNow, context.RequestAborted);
    if (caller is null)
    {
        return Results.Unauthorized();
    }
    if (!caller.Roles.Contains("Admin") || !caller.TwoFactorEnabled)
    {
        return Results.StatusCode(StatusCodes.Status403Forbidden);
    }
    var person = await store.PersonAsync(caller.OrganisationId, id, context.RequestAborted);
    return person is null ? Results.NotFound() : Results.Json(person, CeilingJson.Default.PersonView);
});

await app.RunAsync();
