namespace Upstander.Features.People;

/// <summary>How much of a file to import.</summary>
public enum ImportMode
{
    /// <summary>Check only; change nothing.</summary>
    Validate,

    /// <summary>Everything, and only if every row is valid.</summary>
    All,

    /// <summary>The rows that are valid and do not depend on one that is not.</summary>
    ValidOnly,
}

/// <summary>
/// One problem with one row. <see cref="DependsOnRow"/> is set when the row is fine on its own but
/// cannot be imported without a row that has errors: it matters only to a "valid rows only" import.
/// </summary>
public sealed record RowProblem(int Row, string Column, string Message, int? DependsOnRow = null)
{
    public bool IsDependency => DependsOnRow is not null;
}

/// <summary>The person an import acts for, by employee id, and today's date in the organisation's zone.</summary>
public sealed record ImportingPerson(string EmployeeId, DateOnly Today);

/// <summary>Someone already in the directory, as much as the import checks need.</summary>
public sealed record ExistingPerson(Guid Id, string EmployeeId, string NormalizedEmail, Guid? ManagerId);

/// <summary>What checking a file against the directory found, and which rows each mode would import.</summary>
public sealed class ImportCheck
{
    internal ImportCheck(int rows, IReadOnlyList<RowProblem> problems, IReadOnlyList<ImportRow> importAll, IReadOnlyList<ImportRow> importValid,
        IReadOnlySet<string> existingEmployeeIds)
    {
        Rows = rows;
        Problems = problems;
        RowsWithErrors = problems.Where(p => !p.IsDependency).Select(p => p.Row).Distinct().Count();
        _importAll = importAll;
        _importValid = importValid;
        _existing = existingEmployeeIds;
    }

    private readonly IReadOnlyList<ImportRow> _importAll;
    private readonly IReadOnlyList<ImportRow> _importValid;
    private readonly IReadOnlySet<string> _existing;

    public int Rows { get; }

    /// <summary>Errors first by row then column; dependency notes after the errors of their row.</summary>
    public IReadOnlyList<RowProblem> Problems { get; }

    public int RowsWithErrors { get; }

    public bool IsValid => RowsWithErrors == 0;

    /// <summary>How many rows a "valid rows only" import would bring in.</summary>
    public int ValidRows => _importValid.Count;

    /// <summary>The rows to write for a mode, each manager before the people who report to them; empty when nothing may be imported.</summary>
    public IReadOnlyList<ImportRow> RowsToImport(ImportMode mode) => mode switch
    {
        ImportMode.All when IsValid => _importAll,
        ImportMode.ValidOnly => _importValid,
        _ => [],
    };

    public (int Created, int Updated, int Skipped) Counts(ImportMode mode)
    {
        var rows = RowsToImport(mode);
        var updated = rows.Count(r => _existing.Contains(Key(r.Details.EmployeeId)));
        return (rows.Count - updated, updated, Rows - rows.Count);
    }

    internal static string Key(string? employeeId) => employeeId?.Trim() ?? "";
}

/// <summary>
/// Checks every row of an import file against the rules and against the directory, before anything is
/// written. Pure: the caller passes the directory in. Field rules come from <see cref="PersonRules"/>;
/// this adds what needs the whole file: duplicates, emails taken by someone else, unknown managers and
/// management cycles (in the file combined with the people already in the directory).
/// </summary>
public static class ImportValidator
{
    /// <summary>
    /// The addresses whose holders <see cref="Check"/> needs to know: those of new people and of people whose work email
    /// the file changes. A re-import that changes few addresses looks up few accounts, however large the file.
    /// </summary>
    public static IEnumerable<string> AddressesToCheck(PeopleFile file, IReadOnlyCollection<ExistingPerson> directory)
    {
        var existingByEmployeeId = new Dictionary<string, ExistingPerson>(directory.Count, StringComparer.Ordinal);
        foreach (var person in directory)
        {
            existingByEmployeeId[person.EmployeeId] = person;
        }
        return file.Rows.Where(r => TakesNewAddress(r, existingByEmployeeId.GetValueOrDefault(ImportCheck.Key(r.Details.EmployeeId))))
            .Select(r => r.Details.WorkEmail);
    }

    /// <summary>Whether the row gives its person an address they do not have: a new person, or a changed work email.</summary>
    private static bool TakesNewAddress(ImportRow row, ExistingPerson? existing) =>
        existing is null || existing.NormalizedEmail != Person.NormalizeEmail(row.Details.WorkEmail);

    /// <param name="importer">
    /// The person importing, when they are in the directory: their own row may not carry a leave date that has come,
    /// since importing it would end their own access (the same rule as the edit page).
    /// </param>
    /// <param name="accounts">
    /// The accounts, in any organisation, holding the addresses of <see cref="AddressesToCheck"/>: a row may not give a person
    /// an address that another account holds, since accounts are unique across the installation and the person's account takes
    /// their work email. A row that keeps the person's address is not checked, as the edit page checks only a change.
    /// </param>
    public static ImportCheck Check(PeopleFile file, IReadOnlyCollection<ExistingPerson> directory, ImportingPerson? importer = null,
        AccountEmails? accounts = null)
    {
        var rows = file.Rows;
        var errors = new Dictionary<int, List<RowProblem>>();
        void Add(ImportRow row, string column, string message)
        {
            if (!errors.TryGetValue(row.Row, out var list))
            {
                errors[row.Row] = list = [];
            }
            list.Add(new RowProblem(row.Row, column, message));
        }

        var existingByEmployeeId = new Dictionary<string, ExistingPerson>(directory.Count, StringComparer.Ordinal);
        var existingByEmail = new Dictionary<string, ExistingPerson>(directory.Count, StringComparer.Ordinal);
        var existingById = new Dictionary<Guid, ExistingPerson>(directory.Count);
        foreach (var person in directory)
        {
            existingByEmployeeId[person.EmployeeId] = person;
            existingByEmail[person.NormalizedEmail] = person;
            existingById[person.Id] = person;
        }

        // Field rules, one place for them.
        foreach (var row in rows)
        {
            foreach (var error in row.ParseErrors)
            {
                Add(row, error.Field, error.Message);
            }
            foreach (var error in PersonRules.Validate(row.Details).Where(e => !row.ParseErrors.Any(p => p.Field == e.Field)))
            {
                Add(row, error.Field, error.Message);
            }
        }

        // Duplicates within the file: every copy is an error, since neither can be known to be the right one.
        var byEmployeeId = Group(rows, r => ImportCheck.Key(r.Details.EmployeeId));
        foreach (var (_, group) in byEmployeeId.Where(g => g.Value.Count > 1))
        {
            foreach (var row in group)
            {
                Add(row, PeopleCsv.EmployeeId, $"appears on more than one row ({Rows(group)}).");
            }
        }
        foreach (var (_, group) in Group(rows, r => Person.NormalizeEmail(r.Details.WorkEmail)).Where(g => g.Value.Count > 1))
        {
            foreach (var row in group)
            {
                Add(row, PeopleCsv.WorkEmail, $"appears on more than one row ({Rows(group)}).");
            }
        }

        // An email belonging to someone else in the directory, or to an account that is not the person's.
        foreach (var row in rows)
        {
            var email = Person.NormalizeEmail(row.Details.WorkEmail);
            var existing = existingByEmployeeId.GetValueOrDefault(ImportCheck.Key(row.Details.EmployeeId));
            if (email.Length > 0 && existingByEmail.TryGetValue(email, out var owner) && owner.EmployeeId != ImportCheck.Key(row.Details.EmployeeId))
            {
                Add(row, PeopleCsv.WorkEmail, $"is already the work email of employee {owner.EmployeeId} in the directory.");
            }
            else if (accounts is not null && email.Length > 0 && TakesNewAddress(row, existing)
                && accounts.HeldByAnother(row.Details.WorkEmail, existing?.Id))
            {
                // Another organisation's account, perhaps: say no more than that the address is taken.
                Add(row, PeopleCsv.WorkEmail, AccountEmails.InUseMessage);
            }
        }

        // Managers must exist, in the file or the directory.
        var firstRow = byEmployeeId.ToDictionary(g => g.Key, g => g.Value[0], StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var manager = ManagerKey(row);
            if (manager.Length > 0 && manager != ImportCheck.Key(row.Details.EmployeeId)
                && !firstRow.ContainsKey(manager) && !existingByEmployeeId.ContainsKey(manager))
            {
                Add(row, PeopleCsv.ManagerEmployeeId, $"is not the employee id of anyone in this file or in the directory ({manager}).");
            }
        }

        // The importer's own leave date.
        if (importer is not null && file.Has(PeopleCsv.LeaveDate))
        {
            foreach (var row in rows.Where(r => ImportCheck.Key(r.Details.EmployeeId) == importer.EmployeeId
                && r.Details.LeaveDate is { } leaving && leaving <= importer.Today))
            {
                Add(row, PeopleCsv.LeaveDate, PersonEditor.OwnLeaveDateMessage);
            }
        }

        // Cycles in the directory as it would be after importing every row.
        var everyRow = firstRow.Values.ToList();
        foreach (var (row, cycle) in Cycles(file, everyRow, existingByEmployeeId, existingById))
        {
            Add(row, PeopleCsv.ManagerEmployeeId, $"makes a management cycle: {cycle}.");
        }

        // A "valid rows only" import leaves out the rows with errors, and then also any row that needs one of
        // them: a report whose manager is not imported, or a row that would close a cycle once they are gone.
        var skipped = new Dictionary<int, RowProblem?>();
        foreach (var row in errors.Keys)
        {
            skipped[row] = null;
        }
        var reportsTo = new Dictionary<string, List<ImportRow>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var manager = ManagerKey(row);
            if (manager.Length > 0)
            {
                if (!reportsTo.TryGetValue(manager, out var list))
                {
                    reportsTo[manager] = list = [];
                }
                list.Add(row);
            }
        }
        var queue = new Queue<ImportRow>(rows.Where(r => skipped.ContainsKey(r.Row)));
        while (true)
        {
            while (queue.Count > 0)
            {
                var gone = queue.Dequeue();
                var key = ImportCheck.Key(gone.Details.EmployeeId);
                if (key.Length == 0 || !firstRow.TryGetValue(key, out var first) || first.Row != gone.Row
                    || !reportsTo.TryGetValue(key, out var reports))
                {
                    continue;
                }
                foreach (var report in reports.Where(r => !skipped.ContainsKey(r.Row)))
                {
                    var why = errors.ContainsKey(gone.Row)
                        ? $"depends on row {gone.Row}, which has errors."
                        : $"depends on row {gone.Row}, which cannot be imported either.";
                    skipped[report.Row] = new RowProblem(report.Row, PeopleCsv.ManagerEmployeeId, why, gone.Row);
                    queue.Enqueue(report);
                }
            }
            var kept = everyRow.Where(r => !skipped.ContainsKey(r.Row)).ToList();
            var newCycles = Cycles(file, kept, existingByEmployeeId, existingById).ToList();
            if (newCycles.Count == 0)
            {
                break;
            }
            var blocker = skipped.Keys.Min();
            foreach (var (row, cycle) in newCycles)
            {
                skipped[row.Row] = new RowProblem(row.Row, PeopleCsv.ManagerEmployeeId,
                    $"would make a management cycle ({cycle}) once rows with errors are left out, starting with row {blocker}.", blocker);
                queue.Enqueue(row);
            }
        }

        var problems = new List<RowProblem>();
        foreach (var row in rows)
        {
            if (errors.TryGetValue(row.Row, out var list))
            {
                problems.AddRange(list);
            }
            else if (skipped.TryGetValue(row.Row, out var dependency) && dependency is not null)
            {
                problems.Add(dependency);
            }
        }

        var existingIds = existingByEmployeeId.Keys.ToHashSet(StringComparer.Ordinal);
        var importAll = ManagersFirst(rows);
        var importValid = ManagersFirst(rows.Where(r => !skipped.ContainsKey(r.Row)).ToList());
        return new ImportCheck(rows.Count, problems, importAll, importValid, existingIds);
    }

    /// <summary>The manager a row names, or "" for none.</summary>
    private static string ManagerKey(ImportRow row) => ImportCheck.Key(row.Details.ManagerEmployeeId);

    /// <summary>
    /// Finds management cycles in the directory as it would be with <paramref name="imported"/> applied:
    /// imported rows take the manager the file gives them (or keep their current one when the file has no
    /// manager column); everyone else keeps theirs. Returns each imported row on a cycle, with the cycle.
    /// </summary>
    private static IEnumerable<(ImportRow Row, string Cycle)> Cycles(PeopleFile file, List<ImportRow> imported,
        Dictionary<string, ExistingPerson> existingByEmployeeId, Dictionary<Guid, ExistingPerson> existingById)
    {
        var rowByKey = new Dictionary<string, ImportRow>(StringComparer.Ordinal);
        foreach (var row in imported)
        {
            var key = ImportCheck.Key(row.Details.EmployeeId);
            if (key.Length > 0)
            {
                rowByKey.TryAdd(key, row);
            }
        }
        var hasManagerColumn = file.Has(PeopleCsv.ManagerEmployeeId);

        string? ManagerOf(string key)
        {
            if (rowByKey.TryGetValue(key, out var row) && hasManagerColumn)
            {
                var manager = ManagerKey(row);
                return manager.Length == 0 || manager == key ? null : manager;
            }
            return existingByEmployeeId.TryGetValue(key, out var person) && person.ManagerId is { } managerId
                && existingById.TryGetValue(managerId, out var manager2) ? manager2.EmployeeId : null;
        }

        // Each person has at most one manager, so walking up from every imported row either ends or meets a
        // node seen before; a node seen in this same walk closes a cycle. Each node is walked through once.
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // walk number that visited it
        var walkNumber = 0;
        foreach (var start in rowByKey.Keys)
        {
            if (state.ContainsKey(start))
            {
                continue;
            }
            walkNumber++;
            var path = new List<string>();
            string? node = start;
            while (node is not null && !state.ContainsKey(node))
            {
                state[node] = walkNumber;
                path.Add(node);
                node = ManagerOf(node);
            }
            if (node is null || state[node] != walkNumber)
            {
                continue;
            }
            var cycle = path.Skip(path.IndexOf(node)).ToList();
            var shown = cycle.Count <= 12
                ? string.Join(" → ", cycle.Append(cycle[0]))
                : string.Join(" → ", cycle.Take(10)) + $" → … ({cycle.Count} people) → {cycle[0]}";
            foreach (var member in cycle)
            {
                if (rowByKey.TryGetValue(member, out var row))
                {
                    yield return (row, shown);
                }
            }
        }
    }

    /// <summary>Orders rows so that each comes after the row of its manager, when the manager is in the same set.</summary>
    private static List<ImportRow> ManagersFirst(IReadOnlyList<ImportRow> rows)
    {
        var byKey = new Dictionary<string, ImportRow>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            byKey.TryAdd(ImportCheck.Key(row.Details.EmployeeId), row);
        }
        var depth = new Dictionary<int, int>(rows.Count);
        var path = new List<ImportRow>();
        foreach (var row in rows)
        {
            // Climb until a row of known depth or a top, then fill depths back down. A cycle (only possible in
            // a file with errors, which is never written) is cut by refusing to revisit a row on the path.
            path.Clear();
            var current = row;
            var onPath = new HashSet<int>();
            var baseDepth = -1;
            while (true)
            {
                if (depth.TryGetValue(current.Row, out var known))
                {
                    baseDepth = known;
                    break;
                }
                if (!onPath.Add(current.Row))
                {
                    break;
                }
                path.Add(current);
                var manager = ManagerKey(current);
                if (manager.Length == 0 || !byKey.TryGetValue(manager, out var next) || next.Row == current.Row)
                {
                    break;
                }
                current = next;
            }
            for (var i = path.Count - 1; i >= 0; i--)
            {
                depth[path[i].Row] = ++baseDepth;
            }
        }
        return rows.OrderBy(r => depth[r.Row]).ToList();
    }

    private static Dictionary<string, List<ImportRow>> Group(IReadOnlyList<ImportRow> rows, Func<ImportRow, string> key)
    {
        var groups = new Dictionary<string, List<ImportRow>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var k = key(row);
            if (k.Length == 0)
            {
                continue;
            }
            if (!groups.TryGetValue(k, out var list))
            {
                groups[k] = list = [];
            }
            list.Add(row);
        }
        return groups;
    }

    private static string Rows(List<ImportRow> group) =>
        group.Count <= 10
            ? "rows " + string.Join(", ", group.Select(r => r.Row))
            : $"rows {string.Join(", ", group.Take(10).Select(r => r.Row))} and {group.Count - 10} more";
}
