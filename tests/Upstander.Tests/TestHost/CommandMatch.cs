using System.Data.Common;
using System.Text.RegularExpressions;

namespace Upstander.Tests.TestHost;

/// <summary>
/// A query of one table whose text holds a marker (case aside): what <see cref="ReadBarrier"/> and <see cref="QueryGate"/>
/// hold and <see cref="CommandCounter"/> counts.
/// </summary>
public sealed class CommandMatch(string table, string marker)
{
    private readonly Regex _table = new($@"\b{Regex.Escape(table)}\b");

    public bool Matches(DbCommand command) =>
        command.CommandText.Contains(marker, StringComparison.OrdinalIgnoreCase) && _table.IsMatch(command.CommandText);
}
