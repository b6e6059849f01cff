using System.Globalization;

namespace Upstander.Features.PeerSupport.Resources;

/// <summary>What a coordinator typed into the resource form, as text, before it is checked.</summary>
public sealed class SupportResourceInput
{
    public string? Kind { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Audience { get; set; }
    public string? Phone { get; set; }
    public string? TextNumber { get; set; }
    public string? Email { get; set; }
    public string? Website { get; set; }
    public string? Hours { get; set; }
    public bool AlwaysOpen { get; set; }
    public string? Country { get; set; }
    public string? Languages { get; set; }
    public bool IsCrisis { get; set; }
    public bool IsEmergency { get; set; }
    public bool IsIndependent { get; set; }
    public string? Order { get; set; } = "0";

    public static SupportResourceInput From(SupportResourceDetails d) => new()
    {
        Kind = d.Kind.ToString(),
        Name = d.Name,
        Description = d.Description,
        Audience = d.Audience,
        Phone = d.Phone,
        TextNumber = d.TextNumber,
        Email = d.Email,
        Website = d.Website,
        Hours = d.Hours,
        AlwaysOpen = d.AlwaysOpen,
        Country = d.Country ?? "",
        Languages = d.Languages,
        IsCrisis = d.IsCrisis,
        IsEmergency = d.IsEmergency,
        IsIndependent = d.IsIndependent,
        Order = d.Order.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// The checks on a resources directory entry, in one pure place: plain text of bounded length, web
/// addresses only http or https, phone numbers only digits, spaces and a leading +, a real country code.
/// </summary>
public static class SupportResourceRules
{
    public const int NameMaxLength = 200;
    public const int DescriptionMaxLength = 1000;
    public const int AudienceMaxLength = 500;
    public const int PhoneMaxLength = 40;
    public const int EmailMaxLength = 254;
    public const int WebsiteMaxLength = 500;
    public const int HoursMaxLength = 200;
    public const int LanguagesMaxLength = 200;
    public const int OrderMax = 9999;

    /// <summary>Each kind with its label (English text, a localization key), in directory order.</summary>
    public static readonly IReadOnlyList<(ResourceKind Kind, string Label)> Kinds =
    [
        (ResourceKind.EmployeeAssistance, "Employee assistance programme"),
        (ResourceKind.HumanResources, "Human resources"),
        (ResourceKind.OccupationalHealth, "Occupational health"),
        (ResourceKind.LegalAdvice, "Legal advice"),
        (ResourceKind.Helpline, "Helplines"),
        (ResourceKind.SelfHelpReading, "Self-help reading"),
        (ResourceKind.Other, "Other support"),
    ];

    public static string Label(ResourceKind kind) => Kinds.First(k => k.Kind == kind).Label;

    /// <summary>The checked details, or the problems (field id, message) when there are any.</summary>
    public static (SupportResourceDetails? Details, List<(string Field, string Message)> Problems) Check(SupportResourceInput input)
    {
        var problems = new List<(string, string)>();
        var kind = Kinds.FirstOrDefault(k => string.Equals(k.Kind.ToString(), input.Kind, StringComparison.Ordinal));
        if (kind.Label is null)
        {
            problems.Add(("kind", "Choose what kind of service this is."));
        }
        var name = Text(input.Name, NameMaxLength, "name", "Enter a name of at most 200 characters.", problems, required: true);
        var description = Text(input.Description, DescriptionMaxLength, "description", "Enter a description of at most 1000 characters.", problems, multiline: true);
        var audience = Text(input.Audience, AudienceMaxLength, "audience", "Say who the service is for, in at most 500 characters.", problems, required: true);
        var phone = Number(input.Phone, "phone", problems);
        var textNumber = Number(input.TextNumber, "text-number", problems);
        var email = Text(input.Email, EmailMaxLength, "email", "Enter an email address such as help@example.org.", problems);
        if (email is not null && !IsEmail(email))
        {
            problems.Add(("email", "Enter an email address such as help@example.org."));
        }
        var website = Text(input.Website, WebsiteMaxLength, "website", "Enter a web address starting with https:// or http://.", problems);
        if (website is not null && !IsWebAddress(website))
        {
            problems.Add(("website", "Enter a web address starting with https:// or http://."));
        }
        if (phone is null && textNumber is null && email is null && website is null && problems.Count == 0)
        {
            problems.Add(("phone", "Give at least one way to reach the service: a phone number, a text number, an email address or a web address."));
        }
        var hours = Text(input.Hours, HoursMaxLength, "hours", "Enter the opening hours in at most 200 characters.", problems);
        string? country = null;
        if (!string.IsNullOrWhiteSpace(input.Country))
        {
            country = Countries.Normalise(input.Country);
            if (country is null)
            {
                problems.Add(("country", "Choose a country from the list, or all countries."));
            }
        }
        var languages = Text(input.Languages, LanguagesMaxLength, "languages", "List the languages in at most 200 characters.", problems);
        if (!int.TryParse(input.Order, NumberStyles.None, CultureInfo.InvariantCulture, out var order) || order > OrderMax)
        {
            problems.Add(("order", "Enter a position between 0 and 9999."));
        }
        if (problems.Count > 0)
        {
            return (null, problems);
        }
        return (new SupportResourceDetails(kind.Kind, name!, description, audience!, phone, textNumber, email, website, hours, input.AlwaysOpen,
            country, languages, input.IsCrisis || input.IsEmergency, input.IsEmergency, input.IsIndependent, order), problems);
    }

    /// <summary>An absolute http or https address with a host and nothing that could run as script.</summary>
    public static bool IsWebAddress(string text) =>
        text.Length <= WebsiteMaxLength
        && !text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
        && Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.Host.Length > 0
        && uri.UserInfo.Length == 0;

    /// <summary>Digits and spaces, optionally starting with +, and at least three digits (999, 112, 116 123).</summary>
    public static bool IsPhoneNumber(string text) =>
        text.Length <= PhoneMaxLength
        && text.Count(char.IsAsciiDigit) >= 3
        && text.Select((c, i) => char.IsAsciiDigit(c) || c == ' ' || (c == '+' && i == 0)).All(ok => ok);

    public static bool IsEmail(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == text.LastIndexOf('@') && text.IndexOf('.', at) > at + 1 && !text.EndsWith('.')
            && !text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '"' or '(' or ')' or ',' or ';' or ':' or '\\');
    }

    /// <summary>The number a phone link dials: the digits, with the leading + kept.</summary>
    public static string Dial(string number) => new(number.Where(c => char.IsAsciiDigit(c) || c == '+').ToArray());

    private static string? Number(string? value, string field, List<(string, string)> problems)
    {
        var number = Text(value, PhoneMaxLength, field, "Enter a number using digits and spaces, with + before a country code.", problems);
        if (number is not null && !IsPhoneNumber(number))
        {
            problems.Add((field, "Enter a number using digits and spaces, with + before a country code."));
        }
        return number;
    }

    /// <summary>Trimmed plain text (null when blank), or a problem when it is too long or holds control characters.</summary>
    private static string? Text(string? value, int max, string field, string message, List<(string, string)> problems, bool required = false, bool multiline = false)
    {
        var text = value?.Trim().ReplaceLineEndings("\n");
        if (string.IsNullOrEmpty(text))
        {
            if (required)
            {
                problems.Add((field, message));
            }
            return null;
        }
        if (text.Length > max || text.Any(c => char.IsControl(c) && !(multiline && c == '\n')))
        {
            problems.Add((field, message));
            return null;
        }
        return text;
    }
}
