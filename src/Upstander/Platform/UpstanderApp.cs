using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Upstander.Features;
using Upstander.Platform.Data;
using Upstander.Platform.Mail;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;
using Upstander.Platform.Web;

namespace Upstander.Platform;

/// <summary>Registers and wires every part of Upstander. Program.cs calls these two and nothing else.</summary>
public static class UpstanderApp
{
    public static readonly CultureInfo[] SupportedCultures = [new("en")];

    /// <summary>Accepts the README's short options alongside ordinary configuration switches.</summary>
    public static string[] NormaliseArgs(string[] args) =>
        args.Select(a => a switch
        {
            "--demo" => "--Demo=true",
            _ => a,
        }).ToArray();

    public static readonly Dictionary<string, string> SwitchMappings = new(StringComparer.Ordinal)
    {
        ["--database"] = "Database:Provider",
        ["--connection"] = "Database:Connection",
        ["--master-key-file"] = "Protection:MasterKeyFile",
    };

    /// <summary>
    /// Starts the web application and runs it until it is stopped (or <paramref name="ct"/> is cancelled). A start that
    /// fails for a reason the operator can put right (<see cref="StartupProblem.Explain"/>) prints that reason as one
    /// line to <paramref name="error"/> and returns 1; any other failure is a fault and keeps its stack trace.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter error, CancellationToken ct = default)
    {
        IConfiguration? configuration = null;
        WebApplication? app = null;
        try
        {
            var builder = WebApplication.CreateBuilder(NormaliseArgs(args));
            builder.Configuration.AddCommandLine(NormaliseArgs(args), SwitchMappings);
            configuration = builder.Configuration;
            if (builder.Configuration["urls"] is null && builder.Configuration["ASPNETCORE_URLS"] is null)
            {
                builder.WebHost.UseUrls(Startup.DefaultUrl);
            }
            builder.AddUpstander();

            app = builder.Build();
            app.MapUpstander();
            await app.PrepareUpstanderAsync(ct);
            await ((IHost)app).RunAsync(ct);
            return 0;
        }
        catch (Exception ex) when (configuration?.GetValue(ExplainStartProblems, true) != false && StartupProblem.Explain(ex) is { } reason)
        {
            await error.WriteLineAsync($"Upstander cannot start: {reason}");
            if (app is not null)
            {
                // Close what the attempt opened (database connections, files); a host that ran is already disposed.
                await app.DisposeAsync();
            }
            return 1;
        }
    }

    /// <summary>
    /// Set to false by a host that runs this entry point itself (the integration tests' WebApplicationFactory), so that
    /// a failed start reaches it as the exception instead of ending the entry point with a line on the console.
    /// </summary>
    public const string ExplainStartProblems = "Start:ExplainProblems";

    public static WebApplicationBuilder AddUpstander(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var contentRoot = builder.Environment.ContentRootPath;

        builder.WebHost.ConfigureKestrel(o =>
        {
            o.AddServerHeader = false;
            o.Limits.MaxRequestBodySize = RequestSizeLimit.DefaultMaxBytes;
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore.HttpLogging", LogLevel.None);
        // Its debug lines name client and proxy addresses; logs hold none.
        builder.Logging.AddFilter("Microsoft.AspNetCore.HttpOverrides", LogLevel.Warning);

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<FirstRunCode>();
        services.AddSingleton(QuickExit.From(configuration));
        services.AddUpstanderData(configuration, contentRoot);
        services.AddUpstanderProtection(configuration, contentRoot);
        services.AddUpstanderSecurity(configuration);
        services.AddUpstanderMail();

        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("en");
            o.SupportedCultures = SupportedCultures;
            o.SupportedUICultures = SupportedCultures;
        });
        services.AddRazorPages(o =>
            {
                o.RootDirectory = "/Features";
                o.Conventions.ConfigureFilter(new Microsoft.AspNetCore.Mvc.AutoValidateAntiforgeryTokenAttribute());
                o.Conventions.ConfigureFilter(new InvalidFormStatus());
            })
            // No script reads the data-val-* attributes that client validation writes into each input (the server checks
            // every post and answers 400 with the reason), and writing them cost about a tenth of the sign-in page's CPU.
            .AddViewOptions(o => o.HtmlHelperOptions.ClientValidationEnabled = false)
            .AddViewLocalization()
            .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(SharedResource)));
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Never a stack trace, an exception message or SQL in a response.
            context.ProblemDetails.Extensions.Remove("exception");
            context.ProblemDetails.Extensions.Remove("traceId");
        });
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow);
        services.AddOpenApi("v1");
        services.AddUpstanderFeatures(configuration);
        return builder;
    }

    public static WebApplication MapUpstander(this WebApplication app)
    {
        if (TrustedProxies.Options(app.Configuration) is { } forwarded)
        {
            app.UseForwardedHeaders(forwarded);
        }
        app.UseMiddleware<SecurityHeaders>();
        app.UseMiddleware<RequestSizeLimit>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/error",
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseWhen(c => Problems.WantsProblemDetails(c), api => api.UseStatusCodePages());
        app.UseWhen(c => !Problems.WantsProblemDetails(c), pages => pages.UseStatusCodePagesWithReExecute("/error/{0}"));
        app.UseStaticFiles();
        app.UseRequestLocalization();
        app.UseRouting();
        app.UseAuthentication();
        app.UseMiddleware<AnonymousVisitor>();
        app.UseMiddleware<OrganisationScopeMiddleware>();
        app.UseMiddleware<TwoFactorRequirement>();
        app.UseMiddleware<ApiAntiforgery>();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.UseAuthorization();

        app.MapOpenApi("/api/v1/openapi.json");
        app.MapRazorPages();
        app.MapUpstanderFeatures();
        return app;
    }
}
