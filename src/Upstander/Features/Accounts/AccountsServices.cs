using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Upstander.Platform.Data;
using Upstander.Platform.Retention;

namespace Upstander.Features.Accounts;

public static class AccountsServices
{
    public static IServiceCollection AddAccounts(this IServiceCollection services, DatabaseOptions database)
    {
        // In place of Identity's default store, so authenticator keys and recovery codes are sealed at rest.
        services.Replace(ServiceDescriptor.Scoped<IUserStore<Account>, AccountStore>());
        services.AddScoped<AccountActivity>();
        services.AddScoped<InvitationIssuer>();
        services.AddScoped<InvitationAcceptance>();
        services.AddScoped<TokenIssuer>();
        services.AddScoped<RecentSignIn>();
        services.AddScoped<EndedSessions>();
        services.AddRetentionPass("signed-out sessions", _ => TimeSpan.FromHours(1), EndedSessions.RemoveOldAsync);
        services.AddScoped<AccountSecurityNotices>();
        services.AddScoped<AccountLifecycle>();
        services.AddScoped<LeaveDates>();
        services.AddScoped<AccountRecovery>();
        services.AddSingleton<PasswordLinkRequests>();
        services.AddHostedService(sp => sp.GetRequiredService<PasswordLinkRequests>());
        services.AddRetentionPass("password links", _ => TimeSpan.FromHours(1), AccountRecovery.RemoveOldAsync);
        services.AddHostedService<LeaversJob>();
        if (database.Provider == DatabaseProvider.Postgres)
        {
            // Several processes may share a PostgreSQL database; SQLite is one process per file.
            services.AddHostedService<AccountChangeChannel>();
        }
        return services;
    }
}
