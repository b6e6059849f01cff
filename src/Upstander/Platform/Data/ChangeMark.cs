using Microsoft.EntityFrameworkCore;

namespace Upstander.Platform.Data;

/// <summary>
/// What a context tracked at one moment, so that a save the database refused can be undone in memory: after a
/// <see cref="DbUpdateException"/> the context still holds everything the refused save tried to write, and the next save
/// (a retry, or the page shown again) would try it all again. <see cref="UndoAsync"/> forgets what was added since the
/// mark and reads again from the database what was changed or removed since; what was already pending at the mark stays.
/// </summary>
public sealed class ChangeMark
{
    private readonly DbContext _db;
    private readonly Dictionary<object, EntityState> _states;

    private ChangeMark(DbContext db)
    {
        _db = db;
        _states = db.ChangeTracker.Entries().ToDictionary(e => e.Entity, e => e.State, ReferenceEqualityComparer.Instance);
    }

    public static ChangeMark Take(DbContext db) => new(db);

    public async Task UndoAsync(CancellationToken ct)
    {
        foreach (var entry in _db.ChangeTracker.Entries().ToList())
        {
            var was = _states.TryGetValue(entry.Entity, out var state) ? state : EntityState.Detached;
            if (entry.State == was)
            {
                continue;
            }
            if (entry.State == EntityState.Added)
            {
                entry.State = EntityState.Detached;
            }
            else if (entry.State is EntityState.Modified or EntityState.Deleted && was is EntityState.Unchanged or EntityState.Detached)
            {
                await entry.ReloadAsync(ct);
            }
        }
    }

    /// <summary>
    /// Saves a row that takes the next number of a sequence a unique index guards (a message in a thread): two writers
    /// that read the same highest number at once both try it, the index refuses the later, and that one undoes its
    /// attempt (<see cref="UndoAsync"/>) and makes it again with the next number, instead of failing. Returns what the
    /// successful attempt returned.
    /// </summary>
    public static async Task<T> SaveNumberedAsync<T>(DbContext db, Func<Task<T>> attempt, CancellationToken ct) =>
        (await SaveNumberedAsync(db, guard: null, attempt, ct))!;

    /// <summary>
    /// <see cref="SaveNumberedAsync{T}(DbContext, Func{Task{T}}, CancellationToken)"/> while a condition on another row still
    /// holds: each attempt runs in its own transaction that first makes <paramref name="guard"/>, a guarded write
    /// (<c>ExecuteUpdate</c>) of that row, which keeps the row as it found it until the attempt commits (on PostgreSQL the
    /// row stays locked, and SQLite's write transaction holds the file). When the guard writes no row, nothing is saved and
    /// the result is null.
    /// </summary>
    public static Task<T?> SaveNumberedWhileAsync<T>(DbContext db, Func<Task<int>> guard, Func<Task<T>> attempt, CancellationToken ct) where T : class =>
        SaveNumberedAsync(db, guard, attempt, ct);

    private static async Task<T?> SaveNumberedAsync<T>(DbContext db, Func<Task<int>>? guard, Func<Task<T>> attempt, CancellationToken ct)
    {
        for (var tries = 1; ; tries++)
        {
            var mark = Take(db);
            await using var transaction = guard is null ? null : await db.Database.BeginTransactionAsync(ct);
            if (guard is not null && await guard() == 0)
            {
                return default;
            }
            var result = await attempt();
            try
            {
                await db.SaveChangesAsync(ct);
                if (transaction is not null)
                {
                    await transaction.CommitAsync(ct);
                }
                return result;
            }
            catch (DbUpdateException) when (tries < MaxNumberedAttempts)
            {
                if (transaction is not null)
                {
                    await transaction.RollbackAsync(ct);
                }
                await mark.UndoAsync(ct);
            }
        }
    }

    /// <summary>
    /// Writes a change <paramref name="entity"/> already holds to its row only while <paramref name="still"/> finds the row
    /// as it was read (a guarded <c>ExecuteUpdate</c> with <paramref name="setters"/>), and saves what <paramref name="then"/>
    /// adds (its audit event) in the same transaction: true. False, with the entity read again and nothing written, when
    /// another request changed the row first (an answer, a follow-up, made once).
    /// </summary>
    public static async Task<bool> SaveGuardedAsync<T>(DbContext db, T entity, IQueryable<T> still,
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<T>> setters, Action then, CancellationToken ct) where T : class
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await still.ExecuteUpdateAsync(setters, ct) == 0)
        {
            await db.Entry(entity).ReloadAsync(ct);
            return false;
        }
        Written(db, entity);
        then();
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Tells the context that what <paramref name="entity"/> holds now is what a guarded update (<c>ExecuteUpdate</c>)
    /// just wrote to its row: its current values become its original values, so the next save writes none of it again.
    /// (Setting the entry's state to Unchanged instead would put the values read before back into the entity.)
    /// </summary>
    public static void Written(DbContext db, object entity)
    {
        var entry = db.Entry(entity);
        entry.OriginalValues.SetValues(entry.CurrentValues);
        entry.State = EntityState.Unchanged;
    }

    /// <summary>How many writers may take a number at the same moment before one of them gives up.</summary>
    public const int MaxNumberedAttempts = 5;
}
