using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Upstander.Platform.Auditing;

/// <summary>
/// One append-only audit record: who did what to which thing, when, and whether it worked. Never
/// the content. Each row's <see cref="Hash"/> is an HMAC over its fields and the previous row's hash,
/// so editing, deleting, inserting or reordering rows breaks the chain (see <see cref="AuditChain"/>).
/// </summary>
public sealed class AuditEvent
{
    private AuditEvent() { }

    public AuditEvent(DateTimeOffset at, Guid? organisationId, string actorKind, Guid? actorId,
        string action, string? targetType, string? targetId, string outcome, string? detail = null)
    {
        Detail = detail;
        At = at;
        OrganisationId = organisationId;
        ActorKind = actorKind;
        ActorId = actorId;
        Action = action;
        TargetType = targetType;
        TargetId = targetId;
        Outcome = outcome;
    }

    public long Sequence { get; internal set; }
    public DateTimeOffset At { get; private set; }
    public Guid? OrganisationId { get; private set; }

    /// <summary>account, token, system or anonymous.</summary>
    public string ActorKind { get; private set; } = "";
    public Guid? ActorId { get; private set; }
    public string Action { get; private set; } = "";
    public string? TargetType { get; private set; }
    public string? TargetId { get; private set; }

    /// <summary>Non-sensitive facts about the action (roles granted, rows imported); never content a person wrote.</summary>
    public string? Detail { get; private set; }

    /// <summary>success, failure or denied.</summary>
    public string Outcome { get; private set; } = "";
    public string PreviousHash { get; internal set; } = "";
    public string Hash { get; internal set; } = "";
}

public sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.ToTable("audit_events");
        builder.HasKey(e => e.Sequence);
        builder.Property(e => e.Sequence).ValueGeneratedNever();
        builder.Property(e => e.ActorKind).HasMaxLength(16).IsRequired();
        builder.Property(e => e.Action).HasMaxLength(64).IsRequired();
        builder.Property(e => e.TargetType).HasMaxLength(64);
        builder.Property(e => e.TargetId).HasMaxLength(64);
        builder.Property(e => e.Outcome).HasMaxLength(16).IsRequired();
        builder.Property(e => e.Detail).HasMaxLength(AuditLog.DetailMaxLength);
        builder.Property(e => e.PreviousHash).HasMaxLength(64).IsRequired();
        builder.Property(e => e.Hash).HasMaxLength(64).IsRequired();
        builder.HasIndex(e => new { e.OrganisationId, e.Sequence });
        // A person's own account page lists the recent events about their account (AccountActivity).
        builder.HasIndex(e => new { e.TargetType, e.TargetId, e.Sequence });
    }
}
