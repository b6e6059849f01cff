using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;

namespace Upstander.Platform.Web;

public static class Health
{
    /// <summary>
    /// Liveness and database reachability, for load balancers. Says nothing about any organisation. The check reads
    /// the migrations table over a pooled connection, so it proves the database is Upstander's and answers queries;
    /// EF Core's CanConnect would open a fresh, unpooled SQLite connection on every call, about ten times slower.
    /// </summary>
    public static void MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", async (AppDbContext db, CancellationToken ct) =>
            {
                try
                {
                    await db.Database.OpenConnectionAsync(ct);
                    await using var command = db.Database.GetDbConnection().CreateCommand();
                    command.CommandText = "SELECT 1 FROM schema_migrations LIMIT 1";
                    await command.ExecuteScalarAsync(ct);
                    return Results.Text("ok");
                }
                catch (DbException)
                {
                    return Results.StatusCode(503);
                }
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
}
