using System.Globalization;
using System.Text;
using CsvHelper;

namespace Upstander.Features.People;

/// <summary>One data row of an import file, as typed. <see cref="Row"/> is the row number a spreadsheet shows (the header is row 1).</summary>
public sealed record ImportRow(int Row, PersonDetails Details, IReadOnlyList<FieldError> ParseErrors);

/// <summary>A readable import file: its rows, and which columns it has (canonical name -> the heading as written).</summary>
public sealed record PeopleFile(IReadOnlyList<ImportRow> Rows, IReadOnlyDictionary<string, string> Columns)
{
    public bool Has(string column) => Columns.ContainsKey(column);

    /// <summary>The heading the admin wrote for a column, so the report speaks their words.</summary>
    public string Heading(string column) => Columns.TryGetValue(column, out var heading) ? heading : column;
}

/// <summary>Either a file, or the one reason it could not be read at all.</summary>
public sealed record PeopleFileResult(PeopleFile? File, string? Error);

/// <summary>
/// Reads the people CSV: UTF-8, a header row whose spellings are forgiving ("work_email", "Work email",
/// "WORK-EMAIL"), ISO dates. Problems with the file as a whole (not text, not CSV, unknown or missing
/// columns) are returned as one message; problems with a value are left to <see cref="ImportValidator"/>
/// so they can be reported row by row.
/// </summary>
public static class PeopleCsv
{
    public const long MaxBytes = 20 * 1024 * 1024;
    public const int MaxRows = 200_000;
    public const string DateFormat = "yyyy-MM-dd";

    public const string Name = "name";
    public const string WorkEmail = "work_email";
    public const string EmployeeId = "employee_id";
    public const string Department = "department";
    public const string Team = "team";
    public const string ManagerEmployeeId = "manager_employee_id";
    public const string Location = "location";
    public const string PreferredLanguage = "preferred_language";
    public const string StartDate = "start_date";
    public const string LeaveDate = "leave_date";

    /// <summary>The columns in the order a template lists them.</summary>
    public static readonly IReadOnlyList<string> Columns =
        [Name, WorkEmail, EmployeeId, Department, Team, ManagerEmployeeId, Location, PreferredLanguage, StartDate, LeaveDate];

    public static readonly IReadOnlyList<string> RequiredColumns = [Name, WorkEmail, EmployeeId];

    /// <summary>Headings compared with case, spaces, underscores, hyphens and apostrophes removed.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["name"] = Name,
        ["fullname"] = Name,
        ["workemail"] = WorkEmail,
        ["employeeid"] = EmployeeId,
        ["department"] = Department,
        ["team"] = Team,
        ["manageremployeeid"] = ManagerEmployeeId,
        ["managersemployeeid"] = ManagerEmployeeId,
        ["location"] = Location,
        ["preferredlanguage"] = PreferredLanguage,
        ["startdate"] = StartDate,
        ["leavedate"] = LeaveDate,
    };

    public static string? CanonicalColumn(string heading)
    {
        var key = new string(heading.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        return Aliases.GetValueOrDefault(key);
    }

    /// <summary>A heading as people read it: "work_email" -> "work email".</summary>
    public static string Readable(string column) => column.Replace('_', ' ');

    /// <summary>Reads at most <see cref="MaxBytes"/> from the stream and parses it.</summary>
    public static async Task<PeopleFileResult> ReadAsync(Stream stream, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return Fail(TooLarge);
            }
            buffer.Write(chunk, 0, read);
        }
        return Read(buffer.ToArray());
    }

    public const string TooLarge = "The file is larger than 20 MB. Split it into smaller files.";

    public static PeopleFileResult Read(byte[] bytes)
    {
        if (bytes.Length > MaxBytes)
        {
            return Fail(TooLarge);
        }
        if (bytes.AsSpan().Contains((byte)0))
        {
            return Fail("This file does not look like a CSV text file. Save the spreadsheet as \"CSV UTF-8\" and upload that.");
        }
        // Strict UTF-8: a file saved in another encoding is refused rather than imported with mangled names.
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return Fail("The file is not UTF-8 text. In your spreadsheet program, save it as \"CSV UTF-8\" and upload that.");
        }
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = false,
            SkipEmptyLines = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            // Parse errors must not carry people's data into messages or logs.
            IncludeValuesInExceptions = false,
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true),
        };
        try
        {
            using var reader = CsvReader.Create(bytes, options);
            if (!reader.Read())
            {
                return Fail("The file is empty. Its first row should hold the column headings, such as name, work email and employee id.");
            }
            var (columns, headerError) = ReadHeader(Fields(reader));
            if (headerError is not null)
            {
                return Fail(headerError);
            }
            var width = columns.Length;
            var rows = new List<ImportRow>();
            while (reader.Read())
            {
                // With no header configured the reader numbers every record, the headings being record 1: the
                // row number a spreadsheet shows.
                var row = (int)reader.RowNumber;
                var record = Fields(reader);
                if (record.All(string.IsNullOrWhiteSpace))
                {
                    continue; // spreadsheets often leave empty rows (",,,,") at the end
                }
                if (record.Length != width)
                {
                    return Fail($"Row {row} has {record.Length} columns, but the heading row has {width}. Check for a missing or extra comma, or a quote that is not closed.");
                }
                if (rows.Count == MaxRows)
                {
                    return Fail($"The file has more than {MaxRows} people. Split it into smaller files.");
                }
                rows.Add(ToRow(row, record, columns));
            }
            var headings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (column, heading) in columns)
            {
                headings[column] = heading;
            }
            return new PeopleFileResult(new PeopleFile(rows, headings), null);
        }
        catch (CsvFormatException ex)
        {
            return Fail(ex.RecordNumber > 0
                ? $"Row {ex.RecordNumber} is not valid CSV: a quote is not closed, or a value has a quote inside it that is not doubled (\"\")."
                : "The file is not valid CSV. Check that quotes are closed and each row has the same number of columns.");
        }
        catch (DecoderFallbackException)
        {
            return Fail("The file is not UTF-8 text. In your spreadsheet program, save it as \"CSV UTF-8\" and upload that.");
        }
    }

    private static string[] Fields(CsvReader reader)
    {
        var fields = new string[reader.FieldCount];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = reader.GetString(i) ?? "";
        }
        return fields;
    }

    private static ((string Column, string Heading)[] Columns, string? Error) ReadHeader(string[] record)
    {
        var columns = new (string Column, string Heading)[record.Length];
        var unknown = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < record.Length; i++)
        {
            var heading = record[i].Trim().TrimStart('\uFEFF');
            if (heading.Any(char.IsControl))
            {
                return ([], "The first row is not a row of column headings. Is this the right file?");
            }
            var column = CanonicalColumn(heading);
            if (column is null)
            {
                unknown.Add(heading.Length == 0 ? "(empty)" : heading);
                continue;
            }
            if (!seen.Add(column))
            {
                return ([], $"The column \"{Readable(column)}\" appears more than once.");
            }
            columns[i] = (column, heading);
        }
        if (unknown.Count > 0)
        {
            var shown = string.Join(", ", unknown.Take(10).Select(u => $"\"{(u.Length > 40 ? u[..40] + "…" : u)}\""));
            return ([], $"Unknown column heading(s): {shown}. The columns are: {string.Join(", ", Columns.Select(Readable))}.");
        }
        var missing = RequiredColumns.Where(c => !seen.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            return ([], $"Missing required column(s): {string.Join(", ", missing.Select(Readable))}.");
        }
        return (columns, null);
    }

    private static ImportRow ToRow(int row, string[] record, (string Column, string Heading)[] columns)
    {
        string? Get(string column)
        {
            for (var i = 0; i < columns.Length; i++)
            {
                if (columns[i].Column == column)
                {
                    return record[i];
                }
            }
            return null;
        }
        var errors = new List<FieldError>();
        var details = new PersonDetails(
            Get(Name) ?? "", Get(WorkEmail) ?? "", Get(EmployeeId) ?? "",
            Get(Department), Get(Team), Get(ManagerEmployeeId), Get(Location), Get(PreferredLanguage),
            Date(StartDate, Get(StartDate), errors), Date(LeaveDate, Get(LeaveDate), errors));
        return new ImportRow(row, details, errors);
    }

    private static DateOnly? Date(string column, string? value, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (DateOnly.TryParseExact(value.Trim(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        errors.Add(new FieldError(column, "is not a date in the form yyyy-MM-dd (for example 2024-03-31)."));
        return null;
    }

    private static PeopleFileResult Fail(string message) => new(null, message);
}
