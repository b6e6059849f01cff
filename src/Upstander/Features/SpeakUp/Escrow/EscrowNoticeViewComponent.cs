using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>"Someone else has named the same person": on the reporter's home page and the escrow page until dismissed.</summary>
public sealed class EscrowNoticeViewComponent(AppDbContext db, CurrentActor actor) : ViewComponent
{
    /// <summary>Compiled once: every signed-in home page runs it, and almost always finds nothing.</summary>
    private static readonly ModelBoundQuery<Func<AppDbContext, Guid, IAsyncEnumerable<Guid>>> OpenNotices = new(() =>
        EF.CompileAsyncQuery((AppDbContext db, Guid personId) =>
            db.Set<EscrowNotice>().Where(n => n.PersonId == personId && n.DismissedAt == null).OrderBy(n => n.CreatedAt).Select(n => n.Id)));

    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (actor.PersonId is not { } personId)
        {
            return Content("");
        }
        var notices = await OpenNotices.For(db)(db, personId).ToListAsync(HttpContext.RequestAborted);
        return notices.Count == 0 ? Content("") : View("/Features/SpeakUp/Escrow/_EscrowNotice.cshtml", notices);
    }
}
