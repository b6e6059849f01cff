namespace Upstander.Tests.TestHost;

public static class RowCounts
{
    /// <summary>Rows in every table, except the audit log (refused attempts are audited, which is the point).</summary>
    public static async Task<Dictionary<string, long>> TakeAsync(TestDatabase database)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var db = SchemaSnapshot.Open(database.Engine, database.Connection);
        foreach (var table in await SchemaSnapshot.TablesAsync(database.Engine, database.Connection))
        {
            if (table == "audit_events")
            {
                continue;
            }
            var rows = await SchemaSnapshot.ReadAsync(db, $"SELECT COUNT(*) FROM \"{table}\"");
            counts[table] = long.Parse(rows[0][0], System.Globalization.CultureInfo.InvariantCulture);
        }
        return counts;
    }

    public static string Differences(Dictionary<string, long> before, Dictionary<string, long> after) =>
        string.Join(", ", after.Where(a => !before.TryGetValue(a.Key, out var b) || b != a.Value).Select(a => $"{a.Key}: {before.GetValueOrDefault(a.Key)} -> {a.Value}"));
}
