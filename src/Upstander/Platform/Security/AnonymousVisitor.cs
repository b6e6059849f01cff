using System.Security.Claims;

namespace Upstander.Platform.Security;

/// <summary>
/// Marks a page that must not know who is signed in: the anonymous report and its follow-up. A person may well open
/// their organisation's anonymous link in the browser they are signed in with; on these pages the request forgets the
/// account, so nothing (an audit event's actor, the rate-limit partition, the layout's name and sign-out form) ties
/// what they send to who they are.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AnonymousVisitorAttribute : Attribute;

/// <summary>Runs right after authentication: on <see cref="AnonymousVisitorAttribute"/> endpoints the request continues as nobody.</summary>
public sealed class AnonymousVisitor(RequestDelegate next)
{
    private static readonly ClaimsPrincipal Nobody = new(new ClaimsIdentity());

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<AnonymousVisitorAttribute>() is not null)
        {
            context.User = Nobody;
        }
        return next(context);
    }
}
