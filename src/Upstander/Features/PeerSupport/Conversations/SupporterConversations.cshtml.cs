using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Security;

namespace Upstander.Features.PeerSupport.Conversations;

/// <summary>The signed-in supporter's open and recently closed conversations, with unread counts.</summary>
[Authorize(Roles = Roles.PeerSupporter)]
public sealed class SupporterConversationsModel(Conversations conversations) : PageModel
{
    public IReadOnlyList<ConversationRow> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Rows = await conversations.SupporterListAsync(ct);
}

/// <summary>What the shared conversations table shows.</summary>
public sealed record ConversationTable(IReadOnlyList<ConversationRow> Rows, string Caption, string WhoHeading, string Empty);
