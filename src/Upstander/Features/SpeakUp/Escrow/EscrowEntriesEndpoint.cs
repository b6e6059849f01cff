using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.Organisations;
using Upstander.Features.People;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.SpeakUp.Escrow;

public sealed record EntryRequest(string? Index, int? Threshold, string? Sealed, string? Withdrawal);

public sealed record EntryAnswer(string Status);

public sealed record ReviewersKeyAnswer(string PublicKey);

public sealed record DirectoryEntry(Guid Id, string Name, string? Department);

/// <summary>Entries each account may upload: a token bucket per account, in memory.</summary>
public sealed class EscrowEntryLimiter(EscrowOptions options, TimeProvider clock)
{
    private readonly AccountTokenBuckets _buckets = new(options.EntriesPerHour, options.EntriesPerHour, TimeSpan.FromHours(1), clock);

    public bool TryAcquire(Guid caller) => _buckets.TryAcquire(caller);
}

/// <summary>
/// The matching store's API: the reviewers' public key, the directory to choose from (the whole organisation, so the
/// server never learns whom a reporter looked up), and the upload of (π, c, t). All for signed-in people only.
/// </summary>
public static class EscrowEntriesEndpoint
{
    public static void MapEscrowEntries(this IEndpointRouteBuilder api)
    {
        var escrow = api.MapGroup("/escrow").RequireAuthorization().WithTags("Escrow");

        escrow.MapGet("/reviewers-key", (EscrowReviewerKey key) => TypedResults.Ok(new ReviewersKeyAnswer(Base64Url.Encode(key.PublicKey))))
            .WithName("GetEscrowReviewersKey")
            .WithSummary("The reviewers' P-256 public key (65-byte uncompressed point, base64url) that entries are sealed to.");

        escrow.MapGet("/directory", async (AppDbContext db, CurrentActor actor, OrganisationTime time, CancellationToken ct) =>
            {
                // A leave date is a calendar date where the organisation is (nothing cryptographic depends on it): compare with today there.
                var today = time.Today;
                var people = await db.People.Where(Person.StillHereOn(today)).Where(p => p.Id != actor.PersonId)
                    .OrderBy(p => p.Name).ThenBy(p => p.Id)
                    .Select(p => new DirectoryEntry(p.Id, p.Name, db.Departments.Where(d => d.Id == p.DepartmentId).Select(d => d.Name).FirstOrDefault()))
                    .ToListAsync(ct);
                return TypedResults.Ok(people);
            })
            .WithName("GetEscrowDirectory")
            .WithSummary("Everyone in the organisation a reporter may name, whole, so that no search reveals whom they looked for.");

        escrow.MapPost("/entries", async Task<Results<Created<EntryAnswer>, ProblemHttpResult>> (
                EntryRequest? request, CurrentActor actor, EscrowEntryLimiter limiter, EscrowStore store, CancellationToken ct) =>
            {
                if (actor.Id is not { } caller || actor.PersonId is null)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign in first");
                }
                if (!limiter.TryAcquire(caller))
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                        detail: "Too many held reports in a short time. Please try again later.");
                }
                byte[] index, sealedBytes;
                try
                {
                    index = Base64Url.Decode(request?.Index ?? throw new FormatException());
                    sealedBytes = System.Buffers.Text.Base64Url.DecodeFromChars(request?.Sealed is { Length: <= HeldEntry.MaxSealedBytes * 2 } s ? s : throw new FormatException());
                }
                catch (FormatException)
                {
                    return NotAnEntry("index and sealed must be base64url.");
                }
                var threshold = request?.Threshold ?? 0;
                if (EscrowStore.Problem(index, threshold, sealedBytes, request?.Withdrawal) is { } problem)
                {
                    return NotAnEntry(problem);
                }
                if (!await store.HoldAsync(index, threshold, sealedBytes, request!.Withdrawal!, ct))
                {
                    return NotAnEntry("This withdrawal code was already used.");
                }
                return TypedResults.Created((string?)null, new EntryAnswer("held"));
            })
            .WithName("HoldEscrowEntry")
            .WithSummary("Stores one escrow entry (π, c, t) with the hash of its withdrawal code. The answer is always \"held\": groups are judged at the next judgement boundary (each hour by default), never inside an upload.");
    }

    private static ProblemHttpResult NotAnEntry(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a valid escrow entry", detail: detail);
}
