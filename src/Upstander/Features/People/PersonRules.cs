using System.Globalization;
using System.Net.Mail;

namespace Upstander.Features.People;

/// <summary>One field-level problem with a person's details, in words an admin can act on.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>
/// Validation for a person's details, shared by the edit form and the CSV import so both say the same thing.
/// Pure: anything that needs the database (unknown manager, cycles, duplicates) is checked by the caller.
/// </summary>
public static class PersonRules
{
    public const int NameMaxLength = 200;
    public const int EmailMaxLength = 254;
    public const int EmployeeIdMaxLength = 64;
    public const int ShortTextMaxLength = 200;

    public static List<FieldError> Validate(PersonDetails details)
    {
        var errors = new List<FieldError>();
        Required(errors, "name", details.Name, NameMaxLength);
        Required(errors, "employee_id", details.EmployeeId, EmployeeIdMaxLength);
        if (Required(errors, "work_email", details.WorkEmail, EmailMaxLength) && !IsEmail(details.WorkEmail))
        {
            errors.Add(new FieldError("work_email", "is not a valid email address."));
        }
        Optional(errors, "department", details.Department, ShortTextMaxLength);
        Optional(errors, "team", details.Team, ShortTextMaxLength);
        Optional(errors, "manager_employee_id", details.ManagerEmployeeId, EmployeeIdMaxLength);
        Optional(errors, "location", details.Location, ShortTextMaxLength);
        if (!string.IsNullOrWhiteSpace(details.PreferredLanguage) && !IsLanguageTag(details.PreferredLanguage.Trim()))
        {
            errors.Add(new FieldError("preferred_language", "is not a language tag such as en, fr or pt-BR."));
        }
        if (details.StartDate is { } start && details.LeaveDate is { } leave && leave < start)
        {
            errors.Add(new FieldError("leave_date", "is before the start date."));
        }
        if (!string.IsNullOrWhiteSpace(details.ManagerEmployeeId)
            && string.Equals(details.ManagerEmployeeId.Trim(), details.EmployeeId?.Trim(), StringComparison.Ordinal))
        {
            errors.Add(new FieldError("manager_employee_id", "is the person's own employee id."));
        }
        return errors;
    }

    public static bool IsEmail(string value)
    {
        var trimmed = value.Trim();
        return MailAddress.TryCreate(trimmed, out var address)
            && address.Address == trimmed
            && address.Host.Contains('.', StringComparison.Ordinal);
    }

    public static bool IsLanguageTag(string value)
    {
        if (value.Length is < 2 or > 35 || value.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            return false;
        }
        try
        {
            var culture = CultureInfo.GetCultureInfo(value, predefinedOnly: true);
            return culture.ThreeLetterISOLanguageName != "ivl";
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }

    private static bool Required(List<FieldError> errors, string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new FieldError(field, "is required."));
            return false;
        }
        return Optional(errors, field, value, max);
    }

    private static bool Optional(List<FieldError> errors, string field, string? value, int max)
    {
        if (value is not null && value.Trim().Length > max)
        {
            errors.Add(new FieldError(field, $"is longer than {max} characters."));
            return false;
        }
        if (value is not null && value.Any(char.IsControl))
        {
            errors.Add(new FieldError(field, "contains control characters."));
            return false;
        }
        return true;
    }
}
