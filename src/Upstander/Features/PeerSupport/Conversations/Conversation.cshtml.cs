using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Upstander.Features.Organisations;
using Upstander.Features.PeerSupport.Care;
using Upstander.Features.PeerSupport.Matching;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Resources;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Conversations;

/// <summary>
/// One conversation, for its requester and its current supporter only (404 for everyone else): the thread, sending,
/// calls and meetings, referrals and handovers, the supporter's private notes, closing, feedback and reopening.
/// Every form posts and redirects; invalid input answers 400 and stores nothing.
/// </summary>
public sealed class ConversationModel(
    Conversations conversations, SafetyConcerns concerns, SupportRequests requests, TimeProvider clock, OrganisationTime organisationTime,
    WorkMail mail, MatchingPoolSource pools, IOptions<ConversationOptions> options, IStringLocalizer<SharedResource> t) : PageModel
{
    /// <summary>When this page was made: the "Check for new messages" link carries it so that it always reloads.</summary>
    public DateTimeOffset RenderedAt { get; } = clock.GetUtcNow();

    public Conversation Conversation { get; private set; } = null!;
    public ConversationThread Thread { get; private set; } = null!;
    public bool AwaitsFeedback { get; private set; }
    public bool CanReopen { get; private set; }

    /// <summary>
    /// For the requester of a closed conversation they could otherwise reopen: a re-organisation since has connected the
    /// supporter to their line or to someone they named, so it cannot be reopened; the page says so instead of the button.
    /// </summary>
    public bool ReopenConflicted { get; private set; }

    public const string ReopenConflictedText = "After a change in the organisation, your supporter is now connected to your reporting line or to someone you named, so this conversation cannot be reopened. You can ask for support again at any time, to talk to another supporter.";
    public IReadOnlyList<SupportResource> Directory { get; private set; } = [];
    public string Title { get; private set; } = "";
    public string? Done { get; private set; }

    /// <summary>The conversation's open safety concern: the requester sees crisis resources first, the supporter the safety steps.</summary>
    public SafetyConcern? Concern { get; private set; }

    /// <summary>
    /// For the requester of an open conversation only: a re-organisation since the match has put their supporter in their
    /// management line or in that of someone they named (read from the chart now). The supporter is never told.
    /// </summary>
    public bool SupporterConflicted { get; private set; }

    /// <summary>Crisis services for the requester's country, while a concern is open.</summary>
    public IReadOnlyList<SupportResource> Crisis { get; private set; } = [];

    [BindProperty] public string? Body { get; set; }
    [BindProperty] public bool Confirm { get; set; }
    [BindProperty] public int? FeltHeard { get; set; }
    [BindProperty] public int? NextSteps { get; set; }
    [BindProperty] public int? WouldRecommend { get; set; }
    [BindProperty] public string? Comment { get; set; }
    [BindProperty] public string? Note { get; set; }
    [BindProperty] public string?[] Dates { get; set; } = [];
    [BindProperty] public string?[] Times { get; set; } = [];
    [BindProperty] public int? Duration { get; set; }
    [BindProperty] public string? Mode { get; set; }
    [BindProperty] public string? Place { get; set; }
    [BindProperty] public Guid? MeetingId { get; set; }
    [BindProperty] public string? Choice { get; set; }
    [BindProperty] public Guid? ResourceId { get; set; }
    [BindProperty] public bool Handover { get; set; }
    [BindProperty] public string? ReferralNote { get; set; }
    [BindProperty] public Guid? MessageId { get; set; }
    [BindProperty] public string? Consent { get; set; }
    [BindProperty] public string? Notices { get; set; }

    /// <summary>Whether Upstander sends email at all; without a mail server the page offers no notices.</summary>
    public bool MailOn => mail.Enabled;

    /// <summary>Whether the signed-in participant is emailed about new messages here.</summary>
    public bool NoticesOn { get; private set; }

    public int NoticeDelayMinutes => options.Value.NoticeDelayMinutes;

    public static string Path(Guid id) => $"/support/conversations/{id:D}";


    public async Task<IActionResult> OnGetAsync(Guid id, string? done, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        Done = done;
        return await ShowAsync(ct);
    }

    public Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct) => ActAsync(id, async Task<string?> (c) =>
    {
        if (Conversations.CheckMessage(c, Body) is { } problem)
        {
            ModelState.AddModelError(nameof(Body), t[problem]);
            return null;
        }
        if (await conversations.SendAsync(c, Body!, ct) is not { } sent)
        {
            // Closed by the other side a moment before: the page shows the sender what they wrote, to keep.
            ModelState.AddModelError(nameof(Body), t["Your message was not sent: the conversation was closed before it arrived."]);
            return null;
        }
        // Risk in what the requester wrote: the page opens at the crisis section.
        return sent.Risk > RiskLevel.None ? "#help-now" : "#new";
    }, ct);

    public Task<IActionResult> OnPostCloseAsync(Guid id, CancellationToken ct) => ActAsync(id, async c =>
    {
        if (!RequireOpen(c))
        {
            return false;
        }
        if (!Confirm)
        {
            ModelState.AddModelError(nameof(Confirm), t["Tick the box to confirm that you want to close the conversation."]);
            return false;
        }
        if (!await conversations.CloseAsync(c, ct))
        {
            ModelState.AddModelError(nameof(Confirm), t["This conversation was closed in the meantime."]);
            return false;
        }
        return true;
    }, "?done=closed", ct);

    public Task<IActionResult> OnPostReopenAsync(Guid id, CancellationToken ct) => ActAsync(id, async c =>
    {
        switch (await conversations.ReopenAsync(c, ct))
        {
            case ReopenOutcome.Reopened:
                return true;
            case ReopenOutcome.SupporterFull:
                ModelState.AddModelError(nameof(Confirm), t["Your supporter is already supporting as many people as they can, so this conversation cannot be reopened just now. Try again later, or ask for support again to talk to another supporter."]);
                return false;
            case ReopenOutcome.SupporterPaused:
                // Not why: a supporter's pause may be for their own well-being, which is theirs.
                ModelState.AddModelError(nameof(Confirm), t["Your supporter is not taking conversations on just now, so this one cannot be reopened. Ask for support again to talk to another supporter."]);
                return false;
            case ReopenOutcome.SupporterConflicted:
                // Never who or which line: the requester knows whom they named, and the supporter is not told.
                ModelState.AddModelError(nameof(Confirm), t[ReopenConflictedText]);
                return false;
            case ReopenOutcome.ContentRemoved:
                ModelState.AddModelError(nameof(Confirm), t["The messages of this conversation have been removed, as they are some time after a conversation closes, so it cannot be reopened. You can ask for support again at any time."]);
                return false;
            default:
                ModelState.AddModelError(nameof(Confirm), t["This conversation can no longer be reopened."]);
                return false;
        }
    }, "?done=reopened", ct);

    public Task<IActionResult> OnPostFeedbackAsync(Guid id, CancellationToken ct) => ActAsync(id, async Task<string?> (c) =>
    {
        if (!RequireContent(c, nameof(FeltHeard)))
        {
            return null;
        }
        if (!await conversations.AwaitsFeedbackAsync(c, ct))
        {
            ModelState.AddModelError(nameof(FeltHeard), t[NothingToAnswer]);
            return null;
        }
        foreach (var (name, value) in new[] { (nameof(FeltHeard), FeltHeard), (nameof(NextSteps), NextSteps), (nameof(WouldRecommend), WouldRecommend) })
        {
            if (value is not { } answer || !SupportFeedbackRecord.IsAnswer(answer))
            {
                ModelState.AddModelError(name, t["Choose an answer from 1 to 5 for each statement."]);
            }
        }
        if (Comment is { Length: > SupportFeedbackRecord.CommentMaxLength })
        {
            ModelState.AddModelError(nameof(Comment), t["The comment is longer than {0} characters.", SupportFeedbackRecord.CommentMaxLength]);
        }
        if (!ModelState.IsValid)
        {
            return null;
        }
        if (await conversations.GiveFeedbackAsync(c, FeltHeard!.Value, NextSteps!.Value, WouldRecommend!.Value, Comment, ct) is not { } risk)
        {
            // Retention removed the content, or the same answers arrived twice at once, in the meantime.
            if (RequireContent(c, nameof(FeltHeard)))
            {
                ModelState.AddModelError(nameof(FeltHeard), t[NothingToAnswer]);
            }
            return null;
        }
        return risk > RiskLevel.None ? "?done=feedback#help-now" : "?done=feedback";
    }, ct);

    private const string NothingToAnswer = "There is nothing to answer for this conversation.";

    public Task<IActionResult> OnPostConcernAsync(Guid id, CancellationToken ct) => ActAsync(id, async c =>
    {
        // While open, as the form is shown: a closed conversation's content goes with retention, a concern with it.
        if (!RequireOpen(c))
        {
            return false;
        }
        if (!c.IsSupporter)
        {
            ModelState.AddModelError(nameof(Confirm), t["Only the supporter can raise a safety concern here."]);
            return false;
        }
        if (!Confirm)
        {
            ModelState.AddModelError(nameof(Confirm), t["Tick the box to confirm that you are worried about their safety."]);
            return false;
        }
        await concerns.RaiseAsync(c.Request, ConcernSource.Supporter, RiskLevel.High, [], ct);
        return true;
    }, "?done=concern#safety", ct);

    public Task<IActionResult> OnPostFollowUpAsync(Guid id, CancellationToken ct) => ActAsync(id, async c =>
    {
        var concern = c.IsSupporter ? await concerns.OpenAsync(c.Id, ct) : null;
        if (concern is null)
        {
            ModelState.AddModelError(nameof(Confirm), t["There is no safety concern to follow up here."]);
            return false;
        }
        if (!Confirm)
        {
            ModelState.AddModelError(nameof(Confirm), t["Tick the box to confirm that you have checked in with them."]);
            return false;
        }
        if (!await concerns.FollowUpAsync(concern, ConcernFollowedUpBy.Supporter, ct))
        {
            // A coordinator recorded it in the meantime.
            ModelState.AddModelError(nameof(Confirm), t["There is no safety concern to follow up here."]);
            return false;
        }
        return true;
    }, "?done=followed-up#safety", ct);

    public Task<IActionResult> OnPostNoteAsync(Guid id, CancellationToken ct) => ActAsync(id, async c =>
    {
        if (!c.IsSupporter)
        {
            ModelState.AddModelError(nameof(Note), t["Only the supporter keeps notes."]);
            return false;
        }
        if (!RequireContent(c, nameof(Note)))
        {
            return false;
        }
        if (Note is { Length: > SupporterNote.NoteMaxLength })
        {
            ModelState.AddModelError(nameof(Note), t["The note is longer than {0} characters.", SupporterNote.NoteMaxLength]);
            return false;
        }
        if (!await conversations.SaveNoteAsync(c, Note, ct))
        {
            // Retention removed the content in the meantime.
            return RequireContent(c, nameof(Note));
        }
        return true;
    }, "?done=note#notes", ct);

    public Task<IActionResult> OnPostProposeAsync(Guid id, CancellationToken ct) => ActAsync(id, async c =>
    {
        if (!RequireOpen(c))
        {
            return false;
        }
        var times = new List<DateTimeOffset>();
        var now = clock.GetUtcNow();
        for (var i = 0; i < Math.Max(Dates.Length, Times.Length); i++)
        {
            var date = i < Dates.Length ? Dates[i] : null;
            var time = i < Times.Length ? Times[i] : null;
            if (string.IsNullOrWhiteSpace(date) && string.IsNullOrWhiteSpace(time))
            {
                continue;
            }
            if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                || !TimeOnly.TryParseExact(time, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var clockTime))
            {
                ModelState.AddModelError(nameof(Dates), t["Give each time as a date and a time."]);
                continue;
            }
            // Within the next year: nobody arranges a support call further out, and a date near the calendar's end could
            // not be turned into a moment or a calendar file's end time.
            if (day > organisationTime.Today.AddYears(1))
            {
                ModelState.AddModelError(nameof(Dates), t["Each time must be within the next year."]);
                continue;
            }
            // Entered in the organisation's time zone; a time the clocks skip is refused rather than moved.
            if (organisationTime.Moment(day, clockTime) is not { } start)
            {
                ModelState.AddModelError(nameof(Dates), t["{0} on {1} does not happen in {2}: the clocks go forward then. Choose another time.",
                    clockTime.ToString("HH:mm", CultureInfo.InvariantCulture), day.ToString("d MMMM yyyy", CultureInfo.CurrentCulture), organisationTime.Label]);
                continue;
            }
            if (start <= now)
            {
                ModelState.AddModelError(nameof(Dates), t["Each time must be in the future."]);
            }
            times.Add(start);
        }
        if (times.Count == 0 && ModelState.IsValid)
        {
            ModelState.AddModelError(nameof(Dates), t["Suggest at least one time."]);
        }
        if (times.Count > 3 || times.Distinct().Count() != times.Count)
        {
            ModelState.AddModelError(nameof(Dates), t["Suggest up to three different times."]);
        }
        if (Duration is not { } duration || !ConversationMeeting.Durations.Contains(duration))
        {
            ModelState.AddModelError(nameof(Duration), t["Choose how long it will take."]);
        }
        if (!MeetingMode.IsKnown(Mode))
        {
            ModelState.AddModelError(nameof(Mode), t["Choose how you will talk."]);
        }
        if (Place is { Length: > ConversationMeeting.PlaceMaxLength })
        {
            ModelState.AddModelError(nameof(Place), t["The place is longer than {0} characters.", ConversationMeeting.PlaceMaxLength]);
        }
        if (!ModelState.IsValid)
        {
            return false;
        }
        await conversations.ProposeAsync(c, times, Duration!.Value, Mode!, Place, ct);
        return true;
    }, "?done=proposed#meetings", ct);

    public Task<IActionResult> OnPostMeetingAsync(Guid id, CancellationToken ct) => ActAsync(id, async c =>
    {
        if (!RequireOpen(c))
        {
            return false;
        }
        var meeting = MeetingId is { } meetingId ? await conversations.MeetingAsync(c, meetingId, ct) : null;
        if (meeting is null || meeting.Status != MeetingStatus.Proposed || meeting.ProposedBy == c.Side)
        {
            ModelState.AddModelError(nameof(Choice), t["That suggestion cannot be answered."]);
            return false;
        }
        int? option = null;
        if (Choice != "decline")
        {
            if (!int.TryParse(Choice, NumberStyles.None, CultureInfo.InvariantCulture, out var chosen) || chosen >= meeting.Options.Count)
            {
                ModelState.AddModelError(nameof(Choice), t["Choose one of the times, or decline."]);
                return false;
            }
            option = chosen;
        }
        if (!await conversations.AnswerMeetingAsync(c, meeting, option, ct))
        {
            // Answered in the meantime (another tab): the first answer stands.
            ModelState.AddModelError(nameof(Choice), t["That suggestion cannot be answered."]);
            return false;
        }
        return true;
    }, "#meetings", ct);

    public Task<IActionResult> OnPostReferAsync(Guid id, CancellationToken ct) => ActAsync(id, async c =>
    {
        if (!RequireOpen(c))
        {
            return false;
        }
        if (!c.IsSupporter)
        {
            ModelState.AddModelError(nameof(ResourceId), t["Only the supporter can suggest a service."]);
            return false;
        }
        var resource = ResourceId is { } resourceId ? await conversations.ResourceAsync(resourceId, ct) : null;
        if (resource is null)
        {
            ModelState.AddModelError(nameof(ResourceId), t["Choose a service from the directory."]);
        }
        if (ReferralNote is { Length: > ConversationMessage.ReferralNoteMaxLength })
        {
            ModelState.AddModelError(nameof(ReferralNote), t["The note is longer than {0} characters.", ConversationMessage.ReferralNoteMaxLength]);
        }
        if (!ModelState.IsValid)
        {
            return false;
        }
        if (!await conversations.ReferAsync(c, resource!, Handover, ReferralNote, ct))
        {
            ModelState.AddModelError(nameof(ResourceId), t["This conversation was closed in the meantime."]);
            return false;
        }
        return true;
    }, "#new", ct);

    public Task<IActionResult> OnPostConsentAsync(Guid id, CancellationToken ct) => ActAsync(id, async c =>
    {
        if (!RequireOpen(c))
        {
            return false;
        }
        var handover = c.IsRequester && MessageId is { } messageId ? await conversations.PendingHandoverAsync(c, messageId, ct) : null;
        if (handover is null)
        {
            ModelState.AddModelError(nameof(Consent), t["That handover cannot be answered."]);
            return false;
        }
        if (Consent is not (HandoverConsent.Given or HandoverConsent.Declined))
        {
            ModelState.AddModelError(nameof(Consent), t["Choose whether you agree."]);
            return false;
        }
        if (!await conversations.AnswerHandoverAsync(c, handover, Consent, ct))
        {
            // Answered in the meantime (another tab): the first answer stands.
            ModelState.AddModelError(nameof(Consent), t["That handover cannot be answered."]);
            return false;
        }
        return true;
    }, "#new", ct);

    public Task<IActionResult> OnPostNoticesAsync(Guid id, CancellationToken ct) => ActAsync(id, async Task<string?> (c) =>
    {
        if (!RequireOpen(c))
        {
            return null;
        }
        if (Notices is not ("on" or "off"))
        {
            ModelState.AddModelError(nameof(Notices), t["Choose whether to be emailed about new messages."]);
            return null;
        }
        await conversations.SetNoticesAsync(c, Notices == "on", ct);
        return $"?done=notices-{Notices}#notices";
    }, ct);

    /// <summary>
    /// Once retention has removed a conversation's content, nothing more is written to it (a note, feedback): the pass
    /// never comes back to a conversation it has emptied, so what was added would stay for good.
    /// </summary>
    private bool RequireContent(Conversation c, string field)
    {
        if (c.ContentRemoved)
        {
            ModelState.AddModelError(field, t["The messages of this conversation have been removed, as they are some time after a conversation closes, so nothing more can be added to it."]);
        }
        return !c.ContentRemoved;
    }

    private bool RequireOpen(Conversation c)
    {
        if (!c.IsOpen)
        {
            ModelState.AddModelError(nameof(Body), t["This conversation is closed."]);
        }
        return c.IsOpen;
    }

    /// <summary>Loads the conversation (404 when it is not the caller's), runs the action, then redirects (done) or re-shows the page (400).</summary>
    private Task<IActionResult> ActAsync(Guid id, Func<Conversation, Task<bool>> action, string then, CancellationToken ct) =>
        ActAsync(id, async c => await action(c) ? then : null, ct);

    /// <summary>As above, for an action that decides where the page goes next (null: not done).</summary>
    private async Task<IActionResult> ActAsync(Guid id, Func<Conversation, Task<string?>> action, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        if (ModelState.IsValid && await action(Conversation) is { } then)
        {
            return Redirect(Path(id) + then);
        }
        // The action may have found the conversation changed by someone else in the meantime (closed, or moved to
        // another supporter): the page is shown again only to someone who may still open it.
        return await LoadAsync(id, ct) ? await ShowAsync(ct) : NotFound();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await conversations.OpenAsync(id, ct) is not { } conversation)
        {
            return false;
        }
        Conversation = conversation;
        return true;
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        var c = Conversation;
        Thread = await conversations.ThreadAsync(c, ct);
        AwaitsFeedback = await conversations.AwaitsFeedbackAsync(c, ct);
        Concern = await concerns.OpenAsync(c.Id, ct);
        if (Concern is not null && c.IsRequester)
        {
            Crisis = await requests.CrisisResourcesAsync(ct);
        }
        SupporterConflicted = c.IsRequester && c.IsOpen && await pools.SupporterConflictedAsync(c.Request, ct);
        var whyNotReopen = await conversations.WhyNotReopenAsync(c, ct);
        (CanReopen, ReopenConflicted) = (whyNotReopen is null, whyNotReopen == ReopenOutcome.SupporterConflicted);
        NoticesOn = MailOn && await conversations.NoticesOnAsync(c, ct);
        if (c.IsSupporter && c.IsOpen)
        {
            Directory = await conversations.DirectoryAsync(ct);
        }
        Title = c.IsRequester ? t["Your conversation with your supporter"] : t["Conversation with {0}", await conversations.RequesterLabelAsync(c, ct)];
        if (c.IsSupporter && Note is null)
        {
            Note = Thread.Note;
        }
        return Page();
    }

    public int ReopenDays => conversations.ReopenDays;

    public string CheckInPath => SupporterCare.CheckInPath(Conversation.Id);
}
