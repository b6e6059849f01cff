using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;

namespace Upstander.Platform.Web;

public static class Health
{
    /// <summary>Liveness and database reachability, for load balancers. Says nothing about any organisation.</summary>
    public static void MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", async (AppDbContext db, CancellationToken ct) =>
                await db.Database.CanConnectAsync(ct) ? Results.Text("ok") : Results.StatusCode(503))
            .AllowAnonymous()
            .ExcludeFromDescription();
}
