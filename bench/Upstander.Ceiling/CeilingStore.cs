using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Upstander.Ceiling;

public sealed record PersonView(
    Guid Id, string EmployeeId, string Name, string WorkEmail, string? Department, string? Team, Guid? ManagerId,
    string? Location, string? PreferredLanguage, DateOnly? StartDate, DateOnly? LeaveDate);

/// <summary>What the home page shows: the first name, how many notices, and the person's open support.</summary>
public sealed record HomeData(string? Name, int Notices, int Waiting, IReadOnlyList<(string Supporter, int Unread)> Conversations, int CoursesUnderWay);

public sealed record TokenHolder(Guid AccountId, Guid OrganisationId, bool TwoFactorEnabled, IReadOnlyList<string> Roles);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PersonView))]
internal sealed partial class CeilingJson : JsonSerializerContext;

/// <summary>
/// Upstander's queries for the measured requests, written by hand in the SQL EF Core sends (same tables,
/// same columns, same filters, one pooled connection per request). Upstander stores GUIDs on SQLite as
/// upper-case text and times as UTC ticks; on PostgreSQL as uuid and timestamptz.
/// </summary>
public sealed class CeilingStore(DbDataSource source, bool sqlite)
{
    public static CeilingStore Open(string provider, string connection)
    {
        if (provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase))
        {
            return new CeilingStore(NpgsqlDataSource.Create(connection), sqlite: false);
        }
        Upstander.Platform.Data.SqliteEngine.EnsureConfigured();
        var connectionString = connection.Contains('=', StringComparison.Ordinal) ? connection : $"Data Source={connection};Pooling=True";
        return new CeilingStore(SqliteFactory.Instance.CreateDataSource(connectionString), sqlite: true);
    }

    /// <summary>
    /// The home page's reads: the signed-in person's name, by id, within their organisation, the escrow notices
    /// waiting for them (the home page shows one when someone else named the same person), and their own reports with
    /// whether a reply waits unread and the latest check-in answered, their open support requests with the unread
    /// messages of each open conversation, and the courses they have under way. One connection for all of them.
    /// </summary>
    public async Task<HomeData> HomeAsync(Guid organisationId, Guid personId, CancellationToken ct)
    {
        await using var connection = await source.OpenConnectionAsync(ct);
        string? name;
        await using (var command = Command(connection,
            """SELECT "p"."Name" FROM people AS "p" WHERE "p"."OrganisationId" = @org AND "p"."Id" = @id LIMIT 1""",
            ("org", organisationId), ("id", personId)))
        {
            name = await command.ExecuteScalarAsync(ct) as string;
        }
        var notices = 0;
        await using (var command = Command(connection,
            """
            SELECT "e"."Id" FROM escrow_notices AS "e"
            WHERE "e"."OrganisationId" = @org AND "e"."PersonId" = @id AND "e"."DismissedAt" IS NULL
            ORDER BY "e"."CreatedAt"
            """, ("org", organisationId), ("id", personId)))
        await using (var row = await command.ExecuteReaderAsync(ct))
        {
            while (await row.ReadAsync(ct))
            {
                notices++;
            }
        }
        // The person's own reports, for the notice of an unread reply or a due check-in.
        await using (var command = Command(connection,
            """
            SELECT "r"."Id", "r"."ReceivedAt", "r"."Status", "r"."ClosedAt", EXISTS (
                SELECT 1 FROM report_messages AS "m"
                WHERE "m"."OrganisationId" = @org AND "m"."ReportId" = "r"."Id" AND NOT ("m"."FromReporter") AND "m"."ReadAt" IS NULL), (
                SELECT max("c"."Day") FROM report_check_ins AS "c"
                WHERE "c"."OrganisationId" = @org AND "c"."ReportId" = "r"."Id")
            FROM reports AS "r"
            WHERE "r"."OrganisationId" = @org AND "r"."ReporterId" = @id AND "r"."ContentErasedAt" IS NULL
            ORDER BY "r"."ReceivedAt" DESC
            """, ("org", organisationId), ("id", personId)))
        await using (var row = await command.ExecuteReaderAsync(ct))
        {
            while (await row.ReadAsync(ct))
            {
                notices += row.GetBoolean(4) ? 1 : 0;
            }
        }
        // "Your support and reports": the person's open requests, and for each open conversation the supporter's name and
        // how many of the supporter's messages come after the person's last read. One query, as Upstander's compiled one.
        var waiting = 0;
        var conversations = new List<(string Supporter, int Unread)>();
        await using (var command = Command(connection,
            """
            SELECT "s"."Status",
                CASE WHEN "s"."Status" = 'Active' THEN (
                    SELECT "p"."Name" FROM people AS "p" WHERE "p"."OrganisationId" = @org AND "p"."Id" = "s"."SupporterId" LIMIT 1) END,
                CASE WHEN "s"."Status" = 'Active' THEN (
                    SELECT count(*) FROM support_messages AS "m"
                    WHERE "m"."OrganisationId" = @org AND "m"."RequestId" = "s"."Id" AND "m"."AuthorSide" = 'supporter'
                      AND "m"."Number" > COALESCE((
                        SELECT "c"."LastReadNumber" FROM support_conversation_reads AS "c"
                        WHERE "c"."OrganisationId" = @org AND "c"."RequestId" = "s"."Id" AND "c"."PersonId" = @id LIMIT 1), 0)) ELSE 0 END
            FROM support_requests AS "s"
            WHERE "s"."OrganisationId" = @org AND "s"."PersonId" = @id AND "s"."Status" IN ('Waiting', 'Offered', 'Active')
            ORDER BY "s"."CreatedAt" DESC
            """, ("org", organisationId), ("id", personId)))
        await using (var row = await command.ExecuteReaderAsync(ct))
        {
            while (await row.ReadAsync(ct))
            {
                if (row.GetString(0) != "Active")
                {
                    waiting++;
                    continue;
                }
                conversations.Add((row.IsDBNull(1) ? "Waiting for a supporter" : row.GetString(1), Convert.ToInt32(row.GetValue(2), CultureInfo.InvariantCulture)));
            }
        }
        var courses = 0;
        // "Your training": the courses the person started and has not finished, newest activity first (whole rows, as
        // Upstander reads them; the course's title and modules come from its in-memory content cache there).
        await using (var command = Command(connection,
            """
            SELECT "t"."Id", "t"."CompletedAt", "t"."CompletedSteps", "t"."CourseSlug", "t"."CourseVersionId", "t"."LastActivityAt",
                "t"."LastStep", "t"."OrganisationId", "t"."PersonId", "t"."Run", "t"."StartedAt"
            FROM training_progress AS "t"
            WHERE "t"."OrganisationId" = @org AND "t"."PersonId" = @id AND "t"."Run" = 0 AND "t"."CompletedAt" IS NULL
            ORDER BY "t"."LastActivityAt" DESC
            """, ("org", organisationId), ("id", personId)))
        await using (var row = await command.ExecuteReaderAsync(ct))
        {
            while (await row.ReadAsync(ct))
            {
                courses++;
            }
        }
        return new HomeData(name, notices, waiting, conversations, courses);
    }

    /// <summary>The token handler's reads: the token by hash, its account, and the account's roles.</summary>
    public async Task<TokenHolder?> TokenHolderAsync(string hash, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await source.OpenConnectionAsync(ct);
        Guid accountId;
        await using (var token = Command(connection,
            """
            SELECT "p"."Id", "p"."AccountId", "p"."CreatedAt", "p"."DisplayPrefix", "p"."ExpiresAt", "p"."IssuedBy",
                   "p"."LastUsedAt", "p"."Name", "p"."OrganisationId", "p"."RevokedAt", "p"."TokenHash"
            FROM personal_access_tokens AS "p" WHERE "p"."TokenHash" = @hash LIMIT 2
            """, ("hash", hash)))
        await using (var row = await token.ExecuteReaderAsync(ct))
        {
            if (!await row.ReadAsync(ct) || !row.IsDBNull(9) || Instant(row, 4) <= now)
            {
                return null;
            }
            accountId = row.GetGuid(1);
        }

        Guid organisationId;
        bool twoFactor;
        await using (var account = Command(connection,
            """
            SELECT "a"."Id", "a"."AccessFailedCount", "a"."ConcurrencyStamp", "a"."CreatedAt", "a"."Email", "a"."EmailConfirmed",
                   "a"."LockoutEnabled", "a"."LockoutEnd", "a"."NormalizedEmail", "a"."NormalizedUserName", "a"."OrganisationId",
                   "a"."PasswordHash", "a"."PersonId", "a"."PhoneNumber", "a"."PhoneNumberConfirmed", "a"."SecurityStamp",
                   "a"."TwoFactorEnabled", "a"."UserName"
            FROM accounts AS "a" WHERE "a"."Id" = @id LIMIT 2
            """, ("id", accountId)))
        await using (var row = await account.ExecuteReaderAsync(ct))
        {
            if (!await row.ReadAsync(ct) || (!row.IsDBNull(7) && Instant(row, 7) > now))
            {
                return null;
            }
            organisationId = row.GetGuid(10);
            twoFactor = row.GetBoolean(16);
        }

        var roles = new List<string>();
        await using (var query = Command(connection,
            """
            SELECT "r"."Name" FROM account_roles AS "a" INNER JOIN roles AS "r" ON "a"."RoleId" = "r"."Id"
            WHERE "a"."UserId" = @id
            """, ("id", accountId)))
        await using (var row = await query.ExecuteReaderAsync(ct))
        {
            while (await row.ReadAsync(ct))
            {
                roles.Add(row.GetString(0));
            }
        }
        return new TokenHolder(accountId, organisationId, twoFactor, roles);
    }

    /// <summary>GET /api/v1/people/{id}: the person with their department's name.</summary>
    public async Task<PersonView?> PersonAsync(Guid organisationId, Guid personId, CancellationToken ct)
    {
        await using var connection = await source.OpenConnectionAsync(ct);
        await using var command = Command(connection,
            """
            SELECT "p"."Id", "p"."EmployeeId", "p"."Name", "p"."WorkEmail", "d0"."Name", "p"."Team", "p"."ManagerId",
                   "p"."Location", "p"."PreferredLanguage", "p"."StartDate", "p"."LeaveDate"
            FROM people AS "p"
            LEFT JOIN (SELECT "d"."Id", "d"."Name" FROM departments AS "d" WHERE "d"."OrganisationId" = @org) AS "d0"
                ON "p"."DepartmentId" = "d0"."Id"
            WHERE "p"."OrganisationId" = @org AND "p"."Id" = @id
            LIMIT 2
            """, ("org", organisationId), ("id", personId));
        await using var row = await command.ExecuteReaderAsync(ct);
        if (!await row.ReadAsync(ct))
        {
            return null;
        }
        return new PersonView(row.GetGuid(0), row.GetString(1), row.GetString(2), row.GetString(3), Text(row, 4), Text(row, 5),
            row.IsDBNull(6) ? null : row.GetGuid(6), Text(row, 7), Text(row, 8), Date(row, 9), Date(row, 10));
    }

    private DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            // EF Core's SQLite mapping writes GUIDs as upper-case text; Npgsql sends uuid.
            parameter.Value = sqlite && value is Guid guid ? guid.ToString().ToUpperInvariant() : value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private DateTimeOffset Instant(DbDataReader row, int ordinal) =>
        sqlite ? new DateTimeOffset(row.GetInt64(ordinal), TimeSpan.Zero) : row.GetFieldValue<DateTimeOffset>(ordinal);

    private static string? Text(DbDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);

    private DateOnly? Date(DbDataReader row, int ordinal) =>
        row.IsDBNull(ordinal) ? null
        : sqlite ? DateOnly.Parse(row.GetString(ordinal), System.Globalization.CultureInfo.InvariantCulture)
        : row.GetFieldValue<DateOnly>(ordinal);
}
