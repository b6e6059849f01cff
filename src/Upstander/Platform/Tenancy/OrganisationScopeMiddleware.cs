using Upstander.Platform.Security;

namespace Upstander.Platform.Tenancy;

/// <summary>Enters the signed-in account's organisation for the rest of the request.</summary>
public sealed class OrganisationScopeMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, OrganisationScope scope, CurrentActor actor)
    {
        if (actor.OrganisationId is { } organisationId)
        {
            scope.Enter(organisationId);
        }
        return next(context);
    }
}
