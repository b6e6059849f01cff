using Upstander.Features.SpeakUp.Escrow;

namespace Upstander.Oprf;

/// <summary>
/// The escrow OPRF key holder as a process of its own: its own key file, its own rate limits, one door
/// (POST /evaluate) that only Upstander, holding the shared client secret, may use. Whoever holds the
/// Upstander server and database does not hold this key.
/// </summary>
public sealed partial class Program
{
    public const string DefaultUrl = "http://127.0.0.1:5081";

    public static void Main(string[] args) => Build(args).Run();

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        // Request lines only, at warning and above: nothing here ever logs a caller or a point.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 4096);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(provider => OprfServiceOptions.From(provider.GetRequiredService<IConfiguration>(), provider.GetRequiredService<IHostEnvironment>()));
        builder.Services.AddSingleton(provider => new OprfKeyHolder(EscrowKeyFile.LoadOrCreate(provider.GetRequiredService<OprfServiceOptions>().KeyFile, null)));
        builder.Services.AddSingleton(provider => new ClientSecret(OprfSignature.ReadSecret(provider.GetRequiredService<OprfServiceOptions>().ClientSecretFile)));
        builder.Services.AddSingleton<EvaluationLimits>();
        builder.Services.AddSingleton<SeenRequests>();
        var app = builder.Build();
        // Fail at start, not at the first request, when the key or the secret cannot be had.
        app.Services.GetRequiredService<OprfKeyHolder>();
        app.Services.GetRequiredService<ClientSecret>();
        app.MapEvaluate();
        return app;
    }
}
