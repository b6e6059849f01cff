using Microsoft.AspNetCore.Http.HttpResults;
using Upstander.Platform.Security;

namespace Upstander.Features.SpeakUp.Escrow;

public sealed record OprfRequest(string? Blinded);

public sealed record OprfAnswer(string Evaluated);

/// <summary>
/// POST /api/v1/escrow/oprf: the key holder's only door for the browser. Upstander limits each account
/// and hands the blinded point to the <see cref="IOprfEvaluator"/>: the key holder in this process, or the
/// separate one (src/Upstander.Oprf, its own process, key and limits) when Escrow:OprfUrl is set.
/// </summary>
public static class OprfEndpoint
{
    public static void MapEscrowOprf(this IEndpointRouteBuilder api)
    {
        api.MapPost("/escrow/oprf", async Task<Results<Ok<OprfAnswer>, ProblemHttpResult>> (OprfRequest? request, CurrentActor actor,
                OprfCallerLimiter limiter, IOprfEvaluator evaluator, CancellationToken cancellationToken) =>
            {
                if (actor.Id is not { } caller)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign in first");
                }
                if (!limiter.TryAcquire(caller))
                {
                    return TooMany();
                }
                byte[] blinded;
                try
                {
                    blinded = Base64Url.Decode(request?.Blinded ?? throw new FormatException());
                }
                catch (FormatException)
                {
                    return BadPoint("blinded must be the base64url of a 32-byte P-256 x-coordinate.");
                }
                var result = await evaluator.EvaluateAsync(caller, blinded, cancellationToken);
                return result.Outcome switch
                {
                    OprfOutcome.Evaluated => TypedResults.Ok(new OprfAnswer(Base64Url.Encode(result.Evaluated))),
                    OprfOutcome.BadPoint => BadPoint(result.Detail ?? "Not a point on P-256."),
                    OprfOutcome.TooMany => TooMany(),
                    _ => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not available just now",
                        detail: "Held reports cannot be prepared at the moment. Nothing has been sent; please try again a little later."),
                };
            })
            .RequireAuthorization()
            .WithTags("Escrow")
            .WithName("EvaluateEscrowOprf")
            .WithSummary("Applies the escrow OPRF key to a blinded P-256 point (x-coordinate, base64url). Rate-limited per account.");
    }

    private static ProblemHttpResult TooMany() =>
        TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
            detail: "Too many evaluations in a short time. Please wait a minute and try again.");

    private static ProblemHttpResult BadPoint(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a valid blinded point", detail: detail);
}
