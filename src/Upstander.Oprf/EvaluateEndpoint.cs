using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Upstander.Features.SpeakUp.Escrow;

namespace Upstander.Oprf;

public sealed record EvaluateAnswer(string Evaluated);

/// <summary>
/// Each caller's token bucket, then one bucket for everyone: a caller over their own limit is refused
/// before touching the shared one, so no one account can empty it for the rest. On the injected clock.
/// </summary>
public sealed class EvaluationLimits(OprfServiceOptions options, TimeProvider clock)
{
    private readonly AccountTokenBuckets _perCaller = new(options.CallerBurst, options.CallerPerMinute, TimeSpan.FromMinutes(1), clock);
    private readonly AccountTokenBuckets _global = new(options.GlobalBurst, options.GlobalPerMinute, TimeSpan.FromMinutes(1), clock);

    public bool TryAcquire(Guid caller) => _perCaller.TryAcquire(caller) && _global.TryAcquire(Guid.Empty);
}

/// <summary>
/// POST /evaluate {caller, blinded} → {evaluated}: 401 unless signed by Upstander within the replay
/// window, 429 over a limit, 400 for anything that is not a P-256 x-coordinate. A request seen before (the same
/// signature) gets the same answer without counting again (<see cref="SeenRequests"/>). Nothing about the
/// caller or the point is logged.
/// </summary>
public static class EvaluateEndpoint
{
    public static void MapEvaluate(this IEndpointRouteBuilder app) =>
        app.MapPost("/evaluate", async Task<Results<Ok<EvaluateAnswer>, ProblemHttpResult>> (HttpRequest http, ClientSecret secret, TimeProvider time,
            EvaluationLimits limits, SeenRequests seen, OprfKeyHolder holder, ILoggerFactory loggers) =>
        {
            OprfServiceRequest? body;
            try
            {
                body = await http.ReadFromJsonAsync<OprfServiceRequest>(http.HttpContext.RequestAborted);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or BadHttpRequestException)
            {
                body = null;
            }
            var caller = body?.Caller ?? "";
            var blinded = body?.Blinded ?? "";
            var signature = http.Headers[OprfSignature.SignatureHeader].ToString();
            if (OprfSignature.Verify(secret.Value, http.Headers[OprfSignature.TimestampHeader], signature, caller, blinded, time.GetUtcNow()) is not { } signedAt)
            {
                loggers.CreateLogger("Upstander.Oprf").LogWarning("Refused a request without a valid signature and timestamp.");
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Not signed",
                    detail: "Requests must carry a valid signature made within the last two minutes.");
            }
            if (!Guid.TryParse(caller, out var callerId))
            {
                return BadRequest("caller must be an account id.");
            }
            if (seen.TryGetAnswer(signature, out var answered))
            {
                return TypedResults.Ok(new EvaluateAnswer(answered));
            }
            if (!limits.TryAcquire(callerId))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests");
            }
            try
            {
                var evaluated = Base64Url.Encode(holder.Evaluate(Base64Url.Decode(blinded)));
                seen.Remember(signature, signedAt, evaluated);
                return TypedResults.Ok(new EvaluateAnswer(evaluated));
            }
            catch (FormatException)
            {
                return BadRequest("blinded must be the base64url of a 32-byte P-256 x-coordinate.");
            }
            catch (EscrowFormatException ex)
            {
                return BadRequest(ex.Message);
            }
        });

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a valid blinded point", detail: detail);
}
