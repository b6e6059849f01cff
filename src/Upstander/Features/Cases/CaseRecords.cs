using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Features.People;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Cases;

/// <summary>
/// A routing rule: reports matching every condition that is set (category, location, department) go to one case
/// manager, or, with no case manager, to the least-loaded case manager of the pool. Rules are tried in
/// <see cref="Position"/> order; a conflict of interest always wins over a rule.
/// </summary>
public sealed class RoutingRule : IOrganisationOwned
{
    public const int KeyMaxLength = 40;
    public const int LocationMaxLength = 100;

    private RoutingRule() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public int Position { get; private set; }
    public string? Category { get; private set; }
    public string? Location { get; private set; }
    public Guid? DepartmentId { get; private set; }

    /// <summary>The case manager the rule routes to; null routes to the pool of all case managers.</summary>
    public Guid? CaseManagerId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static RoutingRule Create(Guid organisationId, int position, string? category, string? location, Guid? departmentId, Guid? caseManagerId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = organisationId,
        Position = position,
        Category = string.IsNullOrWhiteSpace(category) ? null : category.Trim(),
        Location = string.IsNullOrWhiteSpace(location) ? null : location.Trim(),
        DepartmentId = departmentId,
        CaseManagerId = caseManagerId,
        CreatedAt = now,
    };

    public bool Matches(ReportRecord report) =>
        (Category is null || string.Equals(Category, report.Category, StringComparison.OrdinalIgnoreCase))
        && (Location is null || string.Equals(Location, report.Location?.Trim(), StringComparison.OrdinalIgnoreCase))
        && (DepartmentId is null || DepartmentId == report.DepartmentId);
}

/// <summary>A case manager's internal note on a case: sealed, never shown to the reporter.</summary>
public sealed class CaseNote : IOrganisationOwned
{
    public const string BodyPurpose = "speak-up.case-note";
    public const int BodyMaxLength = 5000;

    private CaseNote() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ReportId { get; private set; }
    public Guid? AuthorId { get; private set; }
    public DateTimeOffset WrittenAt { get; private set; }
    public string? BodySealed { get; private set; }

    public static CaseNote Write(ReportRecord report, Guid? authorId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = report.OrganisationId,
        ReportId = report.Id,
        AuthorId = authorId,
        WrittenAt = now,
    };

    public void SealBody(string sealedBody) => BodySealed = sealedBody;
}

/// <summary>A short label a case manager puts on a case (one row per label; unique per case).</summary>
public sealed class CaseLabel : IOrganisationOwned
{
    public const int TextMaxLength = 40;

    private CaseLabel() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ReportId { get; private set; }
    public string Text { get; private set; } = "";
    public DateTimeOffset AddedAt { get; private set; }

    public static CaseLabel Add(ReportRecord report, string text, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = report.OrganisationId,
        ReportId = report.Id,
        Text = text.Trim(),
        AddedAt = now,
    };
}

/// <summary>One item of a case's investigation plan: sealed text, added and later ticked off.</summary>
public sealed class CasePlanItem : IOrganisationOwned
{
    public const string TextPurpose = "speak-up.case-plan-item";
    public const int TextMaxLength = 500;

    private CasePlanItem() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ReportId { get; private set; }
    public int Position { get; private set; }
    public string? TextSealed { get; private set; }
    public Guid? AddedBy { get; private set; }
    public DateTimeOffset AddedAt { get; private set; }
    public Guid? DoneBy { get; private set; }
    public DateTimeOffset? DoneAt { get; private set; }

    public static CasePlanItem Add(ReportRecord report, int position, Guid? addedBy, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = report.OrganisationId,
        ReportId = report.Id,
        Position = position,
        AddedBy = addedBy,
        AddedAt = now,
    };

    public void SealText(string? sealedText) => TextSealed = sealedText;

    /// <summary>Ticks the item off, or (with <paramref name="done"/> false) opens it again.</summary>
    public void Tick(bool done, Guid? by, DateTimeOffset now)
    {
        DoneBy = done ? by : null;
        DoneAt = done ? now : null;
    }
}

/// <summary>How a case ended: a fixed outcome key (kept for aggregate insight) and the actions taken (sealed; removed by retention).</summary>
public sealed class CaseOutcome : IOrganisationOwned
{
    public const string ActionsPurpose = "speak-up.case-actions";
    public const int ActionsMaxLength = 5000;

    private CaseOutcome() { }

    public Guid ReportId { get; private set; }
    public Guid OrganisationId { get; private set; }
    public string Outcome { get; private set; } = "";
    public string? ActionsSealed { get; private set; }
    public Guid? RecordedBy { get; private set; }
    public DateTimeOffset RecordedAt { get; private set; }

    public static CaseOutcome For(ReportRecord report) => new() { ReportId = report.Id, OrganisationId = report.OrganisationId };

    public void Record(string outcome, string? actionsSealed, Guid? by, DateTimeOffset now) =>
        (Outcome, ActionsSealed, RecordedBy, RecordedAt) = (outcome, actionsSealed, by, now);

    public void EraseActions() => ActionsSealed = null;
}

/// <summary>Where a request to reveal a held identity stands (stored by name).</summary>
public enum RevealStatus
{
    Pending,
    Approved,
    Refused,

    /// <summary>Closed undecided: retention erased the case's content while the request waited (<see cref="RevealRequest.Lapse"/>).</summary>
    Lapsed,
}

/// <summary>A case manager's request to see the name of a reporter who asked for it to be held back; a custodian decides.</summary>
public sealed class RevealRequest : IOrganisationOwned
{
    private RevealRequest() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ReportId { get; private set; }
    public Guid? RequestedBy { get; private set; }
    public DateTimeOffset RequestedAt { get; private set; }

    /// <summary>A reason key from <see cref="CaseReasons.Reveal"/>.</summary>
    public string Reason { get; private set; } = "";
    public RevealStatus Status { get; private set; }
    public Guid? DecidedBy { get; private set; }
    public DateTimeOffset? DecidedAt { get; private set; }

    public static RevealRequest Ask(ReportRecord report, Guid? requestedBy, string reason, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = report.OrganisationId,
        ReportId = report.Id,
        RequestedBy = requestedBy,
        RequestedAt = now,
        Reason = reason,
        Status = RevealStatus.Pending,
    };

    public void Decide(bool approve, Guid? custodian, DateTimeOffset now)
    {
        if (Status != RevealStatus.Pending)
        {
            throw new InvalidOperationException("This request was already decided.");
        }
        (Status, DecidedBy, DecidedAt) = (approve ? RevealStatus.Approved : RevealStatus.Refused, custodian, now);
    }

    /// <summary>
    /// Closes a pending request undecided, by nobody, when retention erases its case's content: there is no case left to
    /// reveal the reporter of, and a custodian can no longer open it.
    /// </summary>
    public void Lapse(DateTimeOffset now)
    {
        if (Status != RevealStatus.Pending)
        {
            throw new InvalidOperationException("This request was already decided.");
        }
        (Status, DecidedBy, DecidedAt) = (RevealStatus.Lapsed, null, now);
    }
}

public sealed class RoutingRuleConfiguration : IEntityTypeConfiguration<RoutingRule>
{
    public void Configure(EntityTypeBuilder<RoutingRule> builder)
    {
        builder.ToTable("case_routing_rules");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Category).HasMaxLength(RoutingRule.KeyMaxLength);
        builder.Property(r => r.Location).HasMaxLength(RoutingRule.LocationMaxLength);
        builder.HasIndex(r => new { r.OrganisationId, r.Position });
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Department>().WithMany().HasForeignKey(r => r.DepartmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(r => r.CaseManagerId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class CaseNoteConfiguration : IEntityTypeConfiguration<CaseNote>
{
    public void Configure(EntityTypeBuilder<CaseNote> builder)
    {
        builder.ToTable("case_notes");
        builder.HasKey(n => n.Id);
        builder.HasIndex(n => new { n.ReportId, n.WrittenAt });
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(n => n.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ReportRecord>().WithMany().HasForeignKey(n => n.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class CaseLabelConfiguration : IEntityTypeConfiguration<CaseLabel>
{
    public void Configure(EntityTypeBuilder<CaseLabel> builder)
    {
        builder.ToTable("case_labels");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Text).HasMaxLength(CaseLabel.TextMaxLength);
        builder.HasIndex(l => new { l.ReportId, l.Text }).IsUnique();
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(l => l.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ReportRecord>().WithMany().HasForeignKey(l => l.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class CasePlanItemConfiguration : IEntityTypeConfiguration<CasePlanItem>
{
    public void Configure(EntityTypeBuilder<CasePlanItem> builder)
    {
        builder.ToTable("case_plan_items");
        builder.HasKey(i => i.Id);
        builder.HasIndex(i => new { i.ReportId, i.Position }).IsUnique();
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(i => i.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ReportRecord>().WithMany().HasForeignKey(i => i.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class CaseOutcomeConfiguration : IEntityTypeConfiguration<CaseOutcome>
{
    public void Configure(EntityTypeBuilder<CaseOutcome> builder)
    {
        builder.ToTable("case_outcomes");
        builder.HasKey(o => o.ReportId);
        builder.Property(o => o.Outcome).HasMaxLength(RoutingRule.KeyMaxLength);
        builder.HasIndex(o => o.OrganisationId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(o => o.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ReportRecord>().WithOne().HasForeignKey<CaseOutcome>(o => o.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class RevealRequestConfiguration : IEntityTypeConfiguration<RevealRequest>
{
    public void Configure(EntityTypeBuilder<RevealRequest> builder)
    {
        builder.ToTable("case_reveal_requests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Reason).HasMaxLength(RoutingRule.KeyMaxLength);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(r => new { r.OrganisationId, r.Status });
        builder.HasIndex(r => r.ReportId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ReportRecord>().WithMany().HasForeignKey(r => r.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}
