using System.Linq.Expressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.Accounts;
using Upstander.Features.Organisations;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Protection;
using Upstander.Platform.Tenancy;

namespace Upstander.Platform.Data;

/// <summary>
/// The one database context. Organisation-owned rows are filtered to <see cref="CurrentOrganisationId"/>;
/// audit events added in a unit of work are chained under a lock as it saves.
/// </summary>
/// <remarks>
/// Instances are pooled (building a context's internal services is a large share of a short request),
/// so the constructor takes only the options: the request's <see cref="OrganisationScope"/> and services
/// are attached by <see cref="DataServices"/> each time a context is rented, and detached when it goes
/// back. A context with nothing attached sees no organisation-owned rows.
/// </remarks>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options)
    : IdentityDbContext<Account, IdentityRole<Guid>, Guid>(options)
{
    /// <summary>Serialises appends to the audit chain within this process; PostgreSQL adds an advisory lock across processes.</summary>
    internal static readonly SemaphoreSlim AuditGate = new(1, 1);
    internal const long AuditAdvisoryLockKey = 0x55505354_41554449; // "UPSTAUDI"

    private OrganisationScope? _scope;
    private IServiceProvider? _services;
    private List<Action>? _afterCommit;

    public Guid? CurrentOrganisationId => _scope?.OrganisationId;

    /// <summary>Binds a rented context to the scope (request or CLI verb) that will use it.</summary>
    internal AppDbContext AttachTo(OrganisationScope scope, IServiceProvider services)
    {
        _scope = scope;
        _services = services;
        _afterCommit = null;
        return this;
    }

    /// <summary>
    /// Runs <paramref name="action"/> once what is saved next is committed and visible to other connections: after
    /// <c>SaveChanges</c> when it opened no transaction of its caller's, else when that transaction commits. Dropped when
    /// the save fails or the transaction rolls back. (Not the <c>SavedChanges</c> event: it fires before the commit of the
    /// transaction an audited save runs in, and pooled contexts keep its handlers.)
    /// </summary>
    public void AfterCommit(Action action) => (_afterCommit ??= []).Add(action);

    internal void Committed()
    {
        var actions = _afterCommit;
        _afterCommit = null;
        actions?.ForEach(action => action());
    }

    internal void RolledBack() => _afterCommit = null;

    // Disposing a pooled context returns it to the pool: forget the scope first so that nothing of this
    // request (its organisation, its services) can reach the next one.
    public override void Dispose()
    {
        _scope = null;
        _services = null;
        _afterCommit = null;
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        _scope = null;
        _services = null;
        _afterCommit = null;
        return base.DisposeAsync();
    }

    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<Department> Departments => Set<Department>();
    public DbSet<Person> People => Set<Person>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<PersonalAccessToken> PersonalAccessTokens => Set<PersonalAccessToken>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<ProtectionKey> ProtectionKeys => Set<ProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (Database.IsSqlite())
        {
            // SQLite has no native timestamp with offset; store UTC ticks so ordering and comparison work in SQL.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcTicks>();
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
        IdentityTables.Configure(builder);

        builder.Entity<Organisation>().HasQueryFilter(o => o.Id == CurrentOrganisationId);
        builder.Entity<AuditEvent>().HasQueryFilter(e => e.OrganisationId == CurrentOrganisationId);
        foreach (var entity in builder.Model.GetEntityTypes().Where(t => typeof(IOrganisationOwned).IsAssignableFrom(t.ClrType)))
        {
            builder.Entity(entity.ClrType).HasQueryFilter(OrganisationFilter(entity.ClrType));
        }
        foreach (var entity in builder.Model.GetEntityTypes().Where(t => typeof(IOrganisationOwnedOrShared).IsAssignableFrom(t.ClrType)))
        {
            builder.Entity(entity.ClrType).HasQueryFilter(SharedOrOwnFilter(entity.ClrType));
        }
    }

    private LambdaExpression SharedOrOwnFilter(Type type)
    {
        var row = Expression.Parameter(type, "row");
        var owner = Expression.Property(row, nameof(IOrganisationOwnedOrShared.OrganisationId));
        var current = Expression.Property(Expression.Constant(this), nameof(CurrentOrganisationId));
        return Expression.Lambda(Expression.OrElse(Expression.Equal(owner, Expression.Constant(null, typeof(Guid?))), Expression.Equal(owner, current)), row);
    }

    private LambdaExpression OrganisationFilter(Type type)
    {
        var row = Expression.Parameter(type, "row");
        var owner = Expression.Convert(Expression.Property(row, nameof(IOrganisationOwned.OrganisationId)), typeof(Guid?));
        var current = Expression.Property(Expression.Constant(this), nameof(CurrentOrganisationId));
        return Expression.Lambda(Expression.Equal(owner, current), row);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult();

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        int written;
        try
        {
            written = await SaveWithAuditChainAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        catch
        {
            if (Database.CurrentTransaction is null)
            {
                RolledBack();
            }
            throw;
        }
        // Inside a caller's transaction the commit interceptor runs them when that transaction commits.
        if (Database.CurrentTransaction is null)
        {
            Committed();
        }
        return written;
    }

    private async Task<int> SaveWithAuditChainAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken)
    {
        var pending = ChangeTracker.Entries<AuditEvent>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        foreach (var changed in ChangeTracker.Entries<AuditEvent>().Where(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            throw new InvalidOperationException("Audit events are append-only.");
        }
        if (pending.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        // Load the key before taking the write lock: a first load may itself write to the key ring.
        var key = (_services ?? throw new InvalidOperationException("This context is not attached to a scope.")).GetRequiredService<KeyRing>().AuditKey();
        // A transaction that is already open may hold the lock that keeps the chain in one line: on SQLite the
        // database's one write lock (Upstander's transactions begin IMMEDIATE), on PostgreSQL the advisory lock
        // below, taken by an earlier audited save in it and held until it commits. Either way no other writer can
        // move the chain's tail until it commits. Waiting for the gate here would take the two locks in the
        // opposite order to a request that holds the gate and is waiting for that lock: each would wait on the
        // other until the busy or command timeout, and the request would fail. Without the gate, a transaction
        // that holds no such lock yet simply waits for it below, as any writer does.
        var gate = Database.CurrentTransaction is not null ? null : AuditGate;
        if (gate is not null)
        {
            await gate.WaitAsync(cancellationToken);
        }
        try
        {
            var ownTransaction = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
            try
            {
                if (Database.IsNpgsql())
                {
                    await Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AuditAdvisoryLockKey})", cancellationToken);
                }
                var tail = await AuditChain.HeadAsync(AuditEvents, cancellationToken);
                AuditChain.Link(pending.OrderBy(e => e.At), tail?.Sequence ?? 0, tail?.Hash ?? AuditChain.Genesis, key);
                var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
                if (ownTransaction is not null)
                {
                    await ownTransaction.CommitAsync(cancellationToken);
                }
                return written;
            }
            finally
            {
                if (ownTransaction is not null)
                {
                    await ownTransaction.DisposeAsync();
                }
            }
        }
        finally
        {
            gate?.Release();
        }
    }
}

internal sealed class DateTimeOffsetToUtcTicks()
    : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));
