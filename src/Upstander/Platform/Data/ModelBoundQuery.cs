using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Upstander.Platform.Data;

/// <summary>
/// A compiled EF Core query, compiled once per model. EF binds a compiled query to the model of the first
/// context that runs it and refuses any other; one process can hold several models (the tests run SQLite
/// and PostgreSQL hosts side by side), so each model gets its own compiled copy.
/// </summary>
public sealed class ModelBoundQuery<TQuery>(Func<TQuery> compile)
    where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _compiled = [];

    public TQuery For(DbContext db)
    {
        var model = db.Model;
        return _compiled.TryGetValue(model, out var query) ? query : _compiled.GetValue(model, _ => compile());
    }
}
