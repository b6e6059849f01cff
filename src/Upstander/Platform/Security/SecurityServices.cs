using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Upstander.Features.Accounts;
using Upstander.Platform.Data;
using Upstander.Platform.Web;

namespace Upstander.Platform.Security;

/// <summary>Bound from "RateLimits". Defaults suit a real deployment; tests raise them except where they test limits.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Sign-in, two-factor and invitation-acceptance attempts per client per minute.</summary>
    public int SignInPerMinute { get; set; } = 10;

    /// <summary>Form posts and API writes per person (or anonymous client) per minute.</summary>
    public int SubmissionsPerMinute { get; set; } = 60;

    /// <summary>Invitations an admin may create per hour.</summary>
    public int InvitationsPerHour { get; set; } = 500;

    /// <summary>Anonymous reports one client may send per hour (the client address is an in-memory key only).</summary>
    public int AnonymousReportsPerHour { get; set; } = 10;
}

public static class RateLimitPolicies
{
    public const string SignIn = "sign-in";
    public const string Invitations = "invitations";
    public const string AnonymousReports = "anonymous-reports";
}

public static class SecurityServices
{
    public const string CookieOrToken = "CookieOrToken";

    /// <summary>How often a session re-checks its account (password changed, signed out everywhere, roles changed).</summary>
    public static readonly TimeSpan StampInterval = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Checks a session: whether it was signed out (<see cref="EndedSessions"/>), then its account's security stamp. The
    /// stock validator ends the session when the stamp fails; on success it asks for the session to be issued again
    /// (with the account's roles as they are now). For a session whose account changed after it was issued
    /// (<paramref name="issued"/>), the stock validator would wait out the interval, so its issue time is hidden from
    /// it and put back afterwards: the cookie handler issues the new cookie now (and it is not checked again) and keeps
    /// the session's length.
    /// </summary>
    private static async Task ValidateAsync(Microsoft.AspNetCore.Authentication.Cookies.CookieValidatePrincipalContext context, DateTimeOffset? issued)
    {
        if (await context.HttpContext.RequestServices.GetRequiredService<EndedSessions>().IsEndedAsync(context.Properties, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(context.Scheme.Name);
            return;
        }
        if (issued is not null)
        {
            context.Properties.IssuedUtc = null;
        }
        await SecurityStampValidator.ValidatePrincipalAsync(context);
        if (issued is not null && context.Principal is not null)
        {
            context.Properties.IssuedUtc = issued;
        }
    }

    public static IServiceCollection AddUpstanderSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<CurrentActor>();
        services.AddSingleton<AccountChangeNotices>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.ISaveChangesInterceptor, AccountChangeInterceptor>();

        services.AddIdentity<Account, IdentityRole<Guid>>(o =>
            {
                o.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
                o.User.RequireUniqueEmail = true;
                // The user name is the work email, which PersonRules.IsEmail has already accepted for the directory;
                // Identity's default (ASCII letters, digits and -._@+) would refuse o'brien@ or zoë@, so such a person
                // could be invited but never get an account. Empty means any character.
                o.User.AllowedUserNameCharacters = "";
                o.SignIn.RequireConfirmedAccount = false;
                o.Password.RequiredLength = 12;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.Password.RequiredUniqueChars = 4;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager<AccountSignInManager>()
            .AddClaimsPrincipalFactory<AccountClaimsFactory>()
            .AddDefaultTokenProviders();

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "upstander.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = EndedSessions.SessionLength;
            o.SlidingExpiration = true;
            o.LoginPath = "/account/sign-in";
            o.LogoutPath = "/account/sign-out";
            o.AccessDeniedPath = "/account/access-denied";
            o.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
            // The stock validator builds SignInManager and UserManager on every request before it looks at
            // the interval; look first, and only check when a check is due (the same rule it applies), or when
            // the account changed since the session was issued (AccountChangeNotices: a new stamp or roles, a
            // deactivation, or one of its sessions signed out).
            o.Events.OnValidatePrincipal = context =>
            {
                var services = context.HttpContext.RequestServices;
                if (context.Properties.IssuedUtc is not { } issued || services.GetRequiredService<TimeProvider>().GetUtcNow() - issued > StampInterval)
                {
                    return ValidateAsync(context, null);
                }
                // Every signed-in request passes here: the common answer (nothing changed) completes without awaiting.
                return services.GetRequiredService<AccountChangeNotices>().ChangedSince(context.Principal, issued)
                    ? ValidateAsync(context, issued)
                    : Task.CompletedTask;
            };
        });
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = StampInterval);
        services.ConfigureExternalCookie(o => o.Cookie.SameSite = SameSiteMode.Lax);

        services.AddAuthentication(o =>
            {
                // AddIdentity sets DefaultAuthenticateScheme to its cookie, which would win over DefaultScheme
                // and leave bearer tokens unread; authenticate through the policy scheme too.
                o.DefaultScheme = CookieOrToken;
                o.DefaultAuthenticateScheme = CookieOrToken;
                o.DefaultChallengeScheme = CookieOrToken;
                o.DefaultForbidScheme = CookieOrToken;
            })
            .AddPolicyScheme(CookieOrToken, "Cookie or personal access token", o =>
                o.ForwardDefaultSelector = context =>
                    context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        ? PersonalAccessTokenHandler.SchemeName
                        : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, PersonalAccessTokenHandler>(PersonalAccessTokenHandler.SchemeName, null);

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .SetDefaultPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "upstander.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.HeaderName = "RequestVerificationToken";
        });

        var limits = configuration.GetSection("RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddSingleton(limits);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, ct) => TooManyRequests.WriteAsync(context.HttpContext, ct);

            // Every submission (any unsafe method), per person or, for anonymous callers, per client address.
            // The address is used only as an in-memory partition key and is never stored or logged.
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method)
                    ? RateLimitPartition.GetNoLimiter("read")
                    : RateLimitPartition.GetFixedWindowLimiter(ClientKey(context), _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = limits.SubmissionsPerMinute,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    }));

            o.AddPolicy(RateLimitPolicies.SignIn, context =>
                HttpMethods.IsGet(context.Request.Method)
                    ? RateLimitPartition.GetNoLimiter("read")
                    : RateLimitPartition.GetFixedWindowLimiter("signin:" + ClientAddress.Key(context), _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = limits.SignInPerMinute,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    }));

            o.AddPolicy(RateLimitPolicies.Invitations, context =>
                HttpMethods.IsGet(context.Request.Method)
                    ? RateLimitPartition.GetNoLimiter("read")
                    : RateLimitPartition.GetFixedWindowLimiter("invite:" + ClientKey(context), _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = limits.InvitationsPerHour,
                        Window = TimeSpan.FromHours(1),
                        QueueLimit = 0,
                    }));

            o.AddPolicy(RateLimitPolicies.AnonymousReports, context =>
                HttpMethods.IsGet(context.Request.Method)
                    ? RateLimitPartition.GetNoLimiter("read")
                    : RateLimitPartition.GetFixedWindowLimiter("anonymous-report:" + ClientAddress.Key(context), _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = limits.AnonymousReportsPerHour,
                        Window = TimeSpan.FromHours(1),
                        QueueLimit = 0,
                    }));
        });
        return services;
    }

    private static string ClientKey(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true
            ? "person:" + context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value
            : "anon:" + ClientAddress.Key(context);

    private static Task ApiAwareRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
