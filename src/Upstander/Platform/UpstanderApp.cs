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

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<FirstRunCode>();
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
