using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Web;

namespace Upstander.Features.Training;

/// <summary>
/// "How was this module?": three 1-5 ratings and an optional sealed comment, offered once a module is
/// complete. Skipping never blocks anything; an answer can be changed until the course is complete (the
/// evaluation keeps counting the answer a completed quarter counted, <see cref="AnswerHistory"/>).
/// </summary>
public sealed class ReactionModel(Learner learner, AppDbContext db, FieldProtector protector, AuditLog audit, TimeProvider clock, CompletedPeriods periods, IStringLocalizer<SharedResource> t) : PageModel
{
    public static readonly string[] PointLabels = ["Not at all", "A little", "Somewhat", "Mostly", "Very"];

    public Course Course { get; private set; } = null!;
    public CourseModule Module { get; private set; } = null!;
    public bool Answered { get; private set; }

    /// <summary>The course is complete and this module was answered: the answer stays as it was.</summary>
    public bool Closed { get; private set; }
    public string NextPath { get; private set; } = "";

    [BindProperty] public int? Useful { get; set; }
    [BindProperty] public int? Relevant { get; set; }
    [BindProperty] public int? Clear { get; set; }
    [BindProperty] public string? Comment { get; set; }

    public async Task<IActionResult> OnGetAsync(string course, string module, CancellationToken ct)
    {
        if (await OpenAsync(course, module, ct) is not { } reaction)
        {
            return await learner.OpenAsync(course, ct) is { } view && (view.Progress is null || view.Course.Module(module) is not null)
                ? Redirect($"/training/{course}")
                : NotFound();
        }
        if (Answered)
        {
            (Useful, Relevant, Clear) = (reaction.Useful, reaction.Relevant, reaction.Clear);
            Comment = reaction.CommentSealed is null ? null : protector.Open(reaction.CommentSealed, ModuleReaction.CommentPurpose, reaction.Id);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string course, string module, CancellationToken ct)
    {
        if (await OpenAsync(course, module, ct) is not { } reaction)
        {
            return NotFound();
        }
        if (Closed)
        {
            ModelState.AddModelError("", t["The course is complete, so your answers for this module can no longer be changed."]);
            return Page();
        }
        foreach (var (name, value, label) in new[] { (nameof(Useful), Useful, "useful"), (nameof(Relevant), Relevant, "relevant"), (nameof(Clear), Clear, "clear") })
        {
            ModelState.Remove(name);
            if (value is not { } rating || !ModuleReaction.IsRating(rating))
            {
                ModelState.AddModelError(name, t["Choose from 1 to 5 for how {0} the module was.", t[label]]);
            }
        }
        var comment = string.IsNullOrWhiteSpace(Comment) ? null : Comment.Trim();
        if (comment is { Length: > ModuleReaction.CommentMaxLength })
        {
            ModelState.AddModelError(nameof(Comment), t["The comment must be at most {0} characters.", ModuleReaction.CommentMaxLength]);
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        // The same words keep the comment as it was sealed: a comment already shown to coordinators stays shown when only the ratings change.
        var kept = comment is not null && reaction.CommentSealed is { } current && protector.Open(current, ModuleReaction.CommentPurpose, reaction.Id) == comment;
        var sealedComment = comment is null ? null : kept ? reaction.CommentSealed : protector.Seal(comment, ModuleReaction.CommentPurpose, reaction.Id);
        reaction.Answer(Useful!.Value, Relevant!.Value, Clear!.Value, sealedComment, clock.GetUtcNow(), periods.InProgressSince(PeriodKind.Quarter));
        if (!Answered)
        {
            db.Set<ModuleReaction>().Add(reaction);
        }
        if (sealedComment is not null && !kept)
        {
            audit.Record(AuditActions.ProtectedWrite, "training-reaction", reaction.Id, detail: "comment=written");
        }
        await db.SaveChangesAsync(ct);
        return Redirect(NextPath);
    }

    /// <summary>The learner's reaction row for a completed module (a new, unsaved one if not answered yet); null otherwise.</summary>
    private async Task<ModuleReaction?> OpenAsync(string course, string module, CancellationToken ct)
    {
        if (await learner.OpenModuleAsync(course, module, ct) is not var (view, found, progress) || !progress.IsModuleComplete(found))
        {
            return null;
        }
        (Course, Module) = (view.Course, found);
        var next = CourseNavigation.Around(view.Course, found.Steps[^1]).Next;
        NextPath = next is null ? $"/training/{view.Course.Slug}" : $"/training/{view.Course.Slug}/{next.Path}";
        var existing = await db.Set<ModuleReaction>().SingleOrDefaultAsync(r => r.CourseProgressId == progress.Id && r.ModuleKey == found.Key, ct);
        Answered = existing is not null;
        Closed = Answered && progress.CompletedAt is not null;
        return existing ?? ModuleReaction.Begin(progress, found);
    }
}
