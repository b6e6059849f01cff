using Microsoft.AspNetCore.DataProtection;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Data;
using Upstander.Platform.Retention;

namespace Upstander.Features.SpeakUp.Reporting;

public static class ReportingServices
{
    public static IServiceCollection AddSpeakUpReporting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(provider =>
        {
            var options = configuration.GetSection("SpeakUp").Get<ReportingOptions>() ?? new ReportingOptions();
            var contentRoot = provider.GetRequiredService<IHostEnvironment>().ContentRootPath;
            var data = provider.GetRequiredService<DatabaseOptions>().DataDirectory(contentRoot) ?? Path.Combine(contentRoot, "data");
            options.UploadsDirectory = Path.GetFullPath(options.UploadsDirectory ?? Path.Combine(Path.GetDirectoryName(data)!, "uploads"), contentRoot);
            return options;
        });
        services.AddSingleton<Receipts>();
        services.AddSingleton<FollowUpThrottle>();
        services.AddSingleton<FollowUpSession>();
        services.AddScoped<ReportFiles>();
        services.AddScoped<Cases.IReportContentEraser, ReportFilesEraser>();
        services.AddScoped<ErasedFileBytes>();
        services.AddRetentionPass(ErasedFileBytes.PassName, _ => TimeSpan.FromHours(1), ErasedFileBytes.RunEverywhereAsync);
        services.AddScoped<ReportSubmission>();
        services.AddScoped<ReportLinks>();
        services.AddScoped<IncidentJournal>();
        services.AddScoped<ReporterFollowUp>();
        return services;
    }
}

/// <summary>
/// A follow-up session: after a receipt and passphrase are accepted, a short-lived HttpOnly cookie, encrypted and signed
/// with Data Protection and scoped to that organisation's follow-up pages, holds the report's id and the receipt's
/// keyed hash, so that a receipt replaced or withdrawn by its named reporter ends the sessions it opened. Nothing about
/// the visitor is in it or kept on the server. Singleton.
/// </summary>
public sealed class FollowUpSession(IDataProtectionProvider protection, ReportingOptions options)
{
    public const string CookieName = "upstander.follow-up";
    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Upstander.SpeakUp.FollowUp.v2").ToTimeLimitedDataProtector();

    public static string PathFor(string slug) => $"/report/{slug}/follow-up";

    public void Start(HttpContext context, string slug, Guid organisationId, ReportRecord report) =>
        context.Response.Cookies.Append(CookieName,
            _protector.Protect($"{organisationId:N}|{report.Id:N}|{report.ReceiptLookup}", TimeSpan.FromMinutes(options.FollowUpSessionMinutes)),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps, Path = PathFor(slug), IsEssential = true });

    /// <summary>The report and receipt the session opens for this organisation; null when there is no valid session.</summary>
    public (Guid ReportId, string ReceiptLookup)? Opened(HttpContext context, Guid organisationId)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var value) || value is null)
        {
            return null;
        }
        try
        {
            var parts = _protector.Unprotect(value).Split('|');
            return parts.Length == 3 && Guid.TryParse(parts[0], out var organisation) && organisation == organisationId
                && Guid.TryParse(parts[1], out var report) && parts[2].Length > 0
                ? (report, parts[2])
                : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    public static void End(HttpContext context, string slug) =>
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = PathFor(slug) });
}
