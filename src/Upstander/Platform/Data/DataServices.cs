using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Tenancy;

namespace Upstander.Platform.Data;

public static class DataServices
{
    public static IServiceCollection AddUpstanderData(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        var options = DatabaseOptions.From(configuration);
        services.AddSingleton(options);
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            SqliteEngine.EnsureConfigured();
        }
        services.AddScoped<OrganisationScope>();
        services.AddSingleton<SqlitePragmas>();
        services.AddSingleton<ExclusiveLocks>();
        // Pooled: a rented context keeps its internal services (state manager, query context, connection
        // object) between requests instead of building them per request. Scoped users get the request's
        // context through the registration below, which attaches the request's organisation scope.
        services.AddPooledDbContextFactory<AppDbContext>((provider, db) =>
        {
            db.AddInterceptors(AfterCommitInterceptor.Instance);
            // Features watch saves through interceptors they register (for example, accounts whose sessions must be checked again).
            db.AddInterceptors(provider.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.ISaveChangesInterceptor>());
            switch (options.Provider)
            {
                case DatabaseProvider.Postgres:
                    if (string.IsNullOrWhiteSpace(options.Connection))
                    {
                        throw new StartupProblem("Database:Provider is Postgres but Database:Connection is empty. Give an Npgsql connection string, e.g. --Database:Connection \"Host=127.0.0.1;Database=upstander;Username=upstander\".");
                    }
                    db.UseNpgsql(options.Connection);
                    break;
                default:
                    db.UseSqlite(options.SqliteConnectionString(contentRoot));
                    db.AddInterceptors(provider.GetRequiredService<SqlitePragmas>());
                    break;
            }
        });
        services.AddScoped(provider => provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext()
            .AttachTo(provider.GetRequiredService<OrganisationScope>(), provider));
        services.AddScoped<MigrationRunner>();
        return services;
    }

    /// <summary>The directory holding the SQLite file, or null on PostgreSQL: the master key must never live there.</summary>
    public static string? DataDirectory(this DatabaseOptions options, string contentRoot)
    {
        if (options.Provider != DatabaseProvider.Sqlite)
        {
            return null;
        }
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.SqliteConnectionString(contentRoot));
        return Path.GetDirectoryName(Path.GetFullPath(builder.DataSource, contentRoot));
    }
}

/// <summary>Runs <see cref="AppDbContext.AfterCommit"/> actions when a transaction the caller opened commits, and drops them when it rolls back.</summary>
internal sealed class AfterCommitInterceptor : Microsoft.EntityFrameworkCore.Diagnostics.DbTransactionInterceptor
{
    public static readonly AfterCommitInterceptor Instance = new();

    public override void TransactionCommitted(System.Data.Common.DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData) =>
        (eventData.Context as AppDbContext)?.Committed();

    public override Task TransactionCommittedAsync(
        System.Data.Common.DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(System.Data.Common.DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData) =>
        (eventData.Context as AppDbContext)?.RolledBack();

    public override Task TransactionRolledBackAsync(
        System.Data.Common.DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionRolledBack(transaction, eventData);
        return Task.CompletedTask;
    }
}
