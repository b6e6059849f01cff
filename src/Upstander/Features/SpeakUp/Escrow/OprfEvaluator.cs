using System.Net;
using System.Net.Http.Json;

namespace Upstander.Features.SpeakUp.Escrow;

public enum OprfOutcome
{
    Evaluated,
    BadPoint,
    TooMany,
    Unavailable,
}

/// <summary>What became of one evaluation: x(k·B) when <see cref="OprfOutcome.Evaluated"/>, a reason otherwise.</summary>
public sealed record OprfEvaluation(OprfOutcome Outcome, byte[]? Evaluated = null, string? Detail = null);

/// <summary>Applies the OPRF key to a blinded point for a caller: in this process, or at the separate key holder.</summary>
public interface IOprfEvaluator
{
    Task<OprfEvaluation> EvaluateAsync(Guid caller, byte[] blindedX, CancellationToken cancellationToken);
}

/// <summary>The key holder in this process (the default, so that one command runs everything).</summary>
public sealed class InProcessOprfEvaluator(OprfKeyHolder holder) : IOprfEvaluator
{
    public Task<OprfEvaluation> EvaluateAsync(Guid caller, byte[] blindedX, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult(new OprfEvaluation(OprfOutcome.Evaluated, holder.Evaluate(blindedX)));
        }
        catch (EscrowFormatException ex)
        {
            return Task.FromResult(new OprfEvaluation(OprfOutcome.BadPoint, Detail: ex.Message));
        }
    }
}

/// <summary>
/// The separate key holder (src/Upstander.Oprf) at Escrow:OprfUrl, reached over HTTP with every request
/// signed by <see cref="OprfSignature"/>. Points are checked here first, so nothing malformed leaves this
/// process. Its 429 stays a 429; anything else that goes wrong is "unavailable". Logs carry neither the
/// caller nor the point.
/// </summary>
public sealed class RemoteOprfEvaluator(IHttpClientFactory clients, TimeProvider time, EscrowOptions options, IHostEnvironment environment,
    ILogger<RemoteOprfEvaluator> logger) : IOprfEvaluator
{
    public const string ClientName = "escrow-oprf";

    private readonly Lazy<byte[]> _secret = new(() => OprfSignature.ReadSecret(
        Path.GetFullPath(options.OprfClientSecretFile ?? throw new InvalidOperationException("Escrow:OprfClientSecretFile must be set when Escrow:OprfUrl is."), environment.ContentRootPath)));

    public async Task<OprfEvaluation> EvaluateAsync(Guid caller, byte[] blindedX, CancellationToken cancellationToken)
    {
        try
        {
            P256.DecodeX(blindedX);
        }
        catch (EscrowFormatException ex)
        {
            return new OprfEvaluation(OprfOutcome.BadPoint, Detail: ex.Message);
        }
        var callerText = caller.ToString("D");
        var blinded = Base64Url.Encode(blindedX);
        var timestamp = OprfSignature.Timestamp(time.GetUtcNow());
        using var request = new HttpRequestMessage(HttpMethod.Post, "evaluate") { Content = JsonContent.Create(new OprfServiceRequest(callerText, blinded)) };
        request.Headers.Add(OprfSignature.TimestampHeader, timestamp);
        request.Headers.Add(OprfSignature.SignatureHeader, OprfSignature.Sign(_secret.Value, timestamp, callerText, blinded));
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return new OprfEvaluation(OprfOutcome.TooMany);
            }
            if (response.StatusCode != HttpStatusCode.OK)
            {
                logger.LogWarning("The OPRF key holder answered {Status}.", (int)response.StatusCode);
                return new OprfEvaluation(OprfOutcome.Unavailable);
            }
            var answer = await response.Content.ReadFromJsonAsync<OprfAnswer>(cancellationToken);
            return new OprfEvaluation(OprfOutcome.Evaluated, Base64Url.Decode(answer?.Evaluated ?? throw new FormatException()));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or FormatException or System.Text.Json.JsonException
            && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The OPRF key holder could not be reached or answered nonsense ({Error}).", ex.GetType().Name);
            return new OprfEvaluation(OprfOutcome.Unavailable);
        }
    }
}

/// <summary>Upstander's own limit on evaluations, per account, whichever evaluator answers them.</summary>
public sealed class OprfCallerLimiter(EscrowOptions options, TimeProvider clock)
{
    private readonly AccountTokenBuckets _buckets = new(options.OprfBurst, options.OprfEvaluationsPerMinute, TimeSpan.FromMinutes(1), clock);

    public bool TryAcquire(Guid caller) => _buckets.TryAcquire(caller);
}
