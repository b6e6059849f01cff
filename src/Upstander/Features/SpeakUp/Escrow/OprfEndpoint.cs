using Microsoft.AspNetCore.Http.HttpResults;
using Upstander.Platform.Security;

namespace Upstander.Features.SpeakUp.Escrow;

public sealed record OprfRequest(string? Blinded);

public sealed record OprfAnswer(string Evaluated);

/// <summary>
/// POST /api/v1/escrow/oprf: the key holder's only door. A separate component that runs in-process
/// for now; it needs nothing from the rest of the application but the caller's account id, so it can
/// move to a process (and an operator) of its own.
/// </summary>
public static class OprfEndpoint
{
    public static void MapEscrowOprf(this IEndpointRouteBuilder api)
    {
        api.MapPost("/escrow/oprf", Results<Ok<OprfAnswer>, ProblemHttpResult> (OprfRequest? request, CurrentActor actor, OprfKeyHolder holder) =>
            {
                if (actor.Id is not { } caller)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign in first");
                }
                if (!holder.TryAcquire(caller))
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                        detail: "Too many evaluations in a short time. Please wait a minute and try again.");
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
                try
                {
                    return TypedResults.Ok(new OprfAnswer(Base64Url.Encode(holder.Evaluate(blinded))));
                }
                catch (EscrowFormatException ex)
                {
                    return BadPoint(ex.Message);
                }
            })
            .RequireAuthorization()
            .WithTags("Escrow")
            .WithName("EvaluateEscrowOprf")
            .WithSummary("Applies the escrow OPRF key to a blinded P-256 point (x-coordinate, base64url). Rate-limited per account.");
    }

    private static ProblemHttpResult BadPoint(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a valid blinded point", detail: detail);
}
