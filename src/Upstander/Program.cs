using Upstander.Platform;
using Upstander.Platform.Cli;

if (CliVerbs.IsVerb(args))
{
    return await CliVerbs.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(UpstanderApp.NormaliseArgs(args));
builder.Configuration.AddCommandLine(UpstanderApp.NormaliseArgs(args), UpstanderApp.SwitchMappings);
if (builder.Configuration["urls"] is null && builder.Configuration["ASPNETCORE_URLS"] is null)
{
    builder.WebHost.UseUrls(Startup.DefaultUrl);
}
builder.AddUpstander();

var app = builder.Build();
app.MapUpstander();
await app.PrepareUpstanderAsync();
await app.RunAsync();
return 0;

/// <summary>Exposed for WebApplicationFactory in the tests.</summary>
public partial class Program;
