using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Upstander.Platform.Data;
using Upstander.Platform.Jobs;
using Upstander.Platform.Retention;

namespace Upstander.Platform.Mail;

public static class MailServices
{
    public static IServiceCollection AddUpstanderMail(this IServiceCollection services)
    {
        services.AddOptions<MailOptions>()
            .BindConfiguration("Mail")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MailOptions>, MailOptionsValidation>();
        services.AddSingleton<MailSignal>();
        services.AddScoped<MailOutbox>();
        services.AddScoped<MailDelivery>();
        services.AddHostedService<MailDeliveryJob>();
        services.AddRetentionPass("sent mail", _ => TimeSpan.FromHours(1), RemoveOldAsync);
        return services;
    }

    /// <summary>Removes the records of messages that went or were given up on more than <see cref="MailOptions.KeepDays"/> ago (their text is already gone).</summary>
    public static Task<RetentionOutcome> RemoveOldAsync(IServiceScopeFactory scopes, CancellationToken ct) =>
        EveryOrganisation.SumAsync(scopes, async services =>
        {
            var cutoff = services.GetRequiredService<TimeProvider>().GetUtcNow()
                - TimeSpan.FromDays(services.GetRequiredService<IOptions<MailOptions>>().Value.KeepDays);
            return await services.GetRequiredService<AppDbContext>().Set<OutgoingMail>()
                .Where(m => m.SentAt < cutoff || m.FailedAt < cutoff)
                .ExecuteDeleteAsync(ct);
        }, (a, b) => a + b, 0, ct).DescribedAs(removed => new(removed > 0, $"Removed the records of {removed} sent or undeliverable messages."));
}

/// <summary>Names each problem with the Mail settings at start, instead of one generic line.</summary>
public sealed class MailOptionsValidation : IValidateOptions<MailOptions>
{
    public ValidateOptionsResult Validate(string? name, MailOptions options) =>
        options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
