using Microsoft.Extensions.Options;
using Upstander.Platform.Retention;

namespace Upstander.Features.PeerSupport.Conversations;

public static class ConversationServices
{
    public static IServiceCollection AddConversations(this IServiceCollection services)
    {
        services.AddOptions<ConversationOptions>()
            .BindConfiguration("PeerSupport")
            .Validate(o => o.ReopenDays >= 0 && o.RetentionDays >= 1 && o.RetentionIntervalMinutes >= 1 && o.RecentlyClosedDays >= 0 && o.NoticeDelayMinutes >= 0,
                "PeerSupport:ReopenDays, RecentlyClosedDays and NoticeDelayMinutes must be 0 or more, RetentionDays and RetentionIntervalMinutes 1 or more.")
            .ValidateOnStart();
        services.AddScoped<Conversations>();
        services.AddScoped<SafetyConcerns>();
        services.AddScoped<ConversationRetention>();
        services.AddScoped<MessageNotices>();
        services.AddHostedService<MessageNoticeJob>();
        services.AddRetentionPass("conversations and requests",
            provider => TimeSpan.FromMinutes(provider.GetRequiredService<IOptions<ConversationOptions>>().Value.RetentionIntervalMinutes),
            (scopes, ct) => ConversationRetention.RunEverywhereAsync(scopes, ct).DescribedAs(ConversationRetention.Outcome));
        return services;
    }
}
