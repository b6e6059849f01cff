using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Upstander.Features.PeerSupport.Conversations;

/// <summary>The signed-in person's own conversations with their supporters, with unread counts.</summary>
public sealed class IndexModel(Conversations conversations) : PageModel
{
    public IReadOnlyList<ConversationRow> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Rows = await conversations.RequesterListAsync(ct);
}
