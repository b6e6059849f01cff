using System.Security.Cryptography;
using Upstander.Features.Organisations;
using Upstander.Features.People;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.Demo;

/// <summary>One demo sign-in, shown once on the console.</summary>
public sealed record DemoCredential(string Role, string Email, string Password);

/// <summary>
/// Seeds a small, believable demo organisation: five departments with heads reporting to a chief
/// executive, teams under them, about forty people, one account for each role, the academy, the support
/// services directory and a support queue with a request in every state.
/// </summary>
public sealed class DemoSeeder(OrganisationSetup setup, AppDbContext db, DemoTraining training, DemoResources resources, DemoSupport support, DemoSpeakUp speakUp, TimeProvider clock)
{
    public const string OrganisationName = "Harbourview Health (demo)";
    public const string EmailDomain = "harbourview.example";

    private static readonly (string Department, string Head, string[] Team)[] Departments =
    [
        ("Operations", "Amara Okafor", ["Liam Chen", "Sofia Rossi", "Noah Williams", "Priya Nair", "Mateo García", "Hannah Schmidt"]),
        ("Finance", "Jonas Berg", ["Chloé Martin", "Yusuf Demir", "Grace Kim", "Oliver Brown", "Fatima Haddad"]),
        ("People and Culture", "Elena Petrova", ["Kwame Mensah", "Isla MacLeod", "Rafael Costa", "Mei Tanaka", "Ava Murphy"]),
        ("Technology", "Daniel Novak", ["Aisha Rahman", "Lucas Dubois", "Zoe Papadopoulos", "Ethan Clarke", "Nadia Kowalski", "Samuel Adeyemi"]),
        ("Customer Care", "Maria Fernández", ["Tom O'Neill", "Leila Karimi", "Jack Thompson", "Ana Silva", "Ben Cohen", "Ruth Abebe", "Omar Farouk"]),
    ];

    /// <summary>The sign-in printed for a person who is a peer-supporter candidate part-way through the core course.</summary>
    public const string Candidate = "Candidate";

    /// <summary>Which seeded person holds which demo role (besides Employee, which everyone holds).</summary>
    private static readonly (string Name, string Role)[] RoleHolders =
    [
        ("Ruth Abebe", Roles.Employee),
        ("Aisha Rahman", Candidate),
        ("Kwame Mensah", Roles.PeerSupporter),
        ("Isla MacLeod", Roles.Coordinator),
        ("Rafael Costa", Roles.CaseManager),
        ("Jonas Berg", Roles.Leader),
        ("Mei Tanaka", Roles.Researcher),
        ("Elena Petrova", Roles.Admin),
        ("Zoe Papadopoulos", Roles.Custodian),
    ];

    public async Task<IReadOnlyList<DemoCredential>> SeedAsync(CancellationToken ct)
    {
        var organisation = await setup.CreateOrganisationAsync(OrganisationName, isDemo: true, ct, timeZone: "Europe/London");
        var start = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddYears(-3);
        var number = 1000;
        var credentials = new List<DemoCredential>();
        var people = new Dictionary<string, Guid>(StringComparer.Ordinal);

        var ceo = await AddAsync(organisation.Id, "Helen Achebe", "Executive Office", null, null, start, credentials, ct);
        foreach (var (department, head, team) in Departments)
        {
            var headPerson = await AddAsync(organisation.Id, head, department, department + " leadership", ceo.EmployeeId, start, credentials, ct);
            foreach (var (name, index) in team.Select((n, i) => (n, i)))
            {
                await AddAsync(organisation.Id, name, department, $"{department} {(index % 2 == 0 ? "North" : "South")}",
                    headPerson.EmployeeId, start.AddDays(index * 37), credentials, ct);
            }
        }
        await training.SeedAsync(organisation.Id, people, ct);
        await resources.SeedAsync(organisation.Id, ct);
        await support.SeedAsync(organisation.Id, people, ct);
        await speakUp.SeedAsync(organisation.Id, people, ct);
        return credentials;

        async Task<Person> AddAsync(Guid organisationId, string name, string department, string? team, string? manager,
            DateOnly startDate, List<DemoCredential> output, CancellationToken token)
        {
            var email = EmailFor(name);
            var details = new PersonDetails(name, email, $"E{number++}", department, team, manager, "Leeds", "en", startDate, null);
            var label = RoleHolders.FirstOrDefault(r => r.Name == name).Role;
            // Certified supporters need an account to hold the PeerSupporter role; without a password it cannot sign in.
            var supporter = DemoTraining.Supporters.Contains(name);
            if (label is null && !supporter)
            {
                var person = new Person(organisationId, details, clock.GetUtcNow());
                person.PlaceIn(await setup.DepartmentIdAsync(organisationId, department, token));
                person.ReportTo(await ManagerIdAsync(manager, token));
                db.People.Add(person);
                await db.SaveChangesAsync(token);
                people[name] = person.Id;
                return person;
            }
            var role = label == Candidate ? Roles.Employee : label ?? Roles.PeerSupporter;
            string[] roles = supporter ? [role, Roles.PeerSupporter] : [role];
            var password = label is null ? null : NewPassword();
            var (created, _) = await setup.CreatePersonWithAccountAsync(organisationId, details with { ManagerEmployeeId = null }, roles, password, token);
            created.ReportTo(await ManagerIdAsync(manager, token));
            await db.SaveChangesAsync(token);
            people[name] = created.Id;
            if (label is not null)
            {
                output.Add(new DemoCredential(label, email, password!));
            }
            return created;
        }
    }

    private async Task<Guid?> ManagerIdAsync(string? employeeId, CancellationToken ct) =>
        employeeId is null ? null : (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions
            .SingleAsync(db.People, p => p.EmployeeId == employeeId, ct)).Id;

    public static string EmailFor(string name) =>
        new string(name.ToLowerInvariant().Replace(' ', '.').Where(c => char.IsAsciiLetterLower(c) || c == '.').ToArray()) + "@" + EmailDomain;

    /// <summary>Four random words' worth of entropy in a form people can type: 20 characters from a 32-letter alphabet.</summary>
    private static string NewPassword()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        var chars = RandomNumberGenerator.GetItems<char>(alphabet, 20);
        return $"{new string(chars, 0, 5)}-{new string(chars, 5, 5)}-{new string(chars, 10, 5)}-{new string(chars, 15, 5)}";
    }

    public static void Print(IReadOnlyList<DemoCredential> credentials, TextWriter output, string url)
    {
        output.WriteLine();
        output.WriteLine($"Demo organisation \"{OrganisationName}\" created. These passwords are shown once; note them now.");
        output.WriteLine($"Sign in at {url}/account/sign-in");
        string[] order = [Roles.Employee, Candidate, .. Roles.All.Where(r => r != Roles.Employee)];
        foreach (var c in credentials.OrderBy(c => Array.IndexOf(order, c.Role)))
        {
            output.WriteLine($"  {c.Role,-14} {c.Email,-36} {c.Password}");
        }
        output.WriteLine("Coordinator, CaseManager, Admin and Custodian set up two-factor (an authenticator app) at first sign-in.");
        output.WriteLine();
    }
}
