using Upstander.Features.PeerSupport.Matching;
using Upstander.Features.People;

namespace Upstander.Bench;

/// <summary>
/// A realistic matching workload: a 100,000-person organisation eight levels deep (one top, each manager with
/// about six to eight reports higher up and a few at the bottom), departments under the second level,
/// 2,000 supporters with caps 1 to 4, and 10,000 open requests with named sources of harm and blocks.
/// </summary>
internal sealed class MatchingWorkload
{
    private static readonly int[] LevelSizes = [1, 6, 36, 216, 1_296, 7_000, 30_000, 61_445];
    private static readonly string[] OtherLanguages = ["pl", "cy", "ur", "pa", "fr", "es", "ar"];
    private static readonly double[] OtherLanguageShare = [0.15, 0.08, 0.08, 0.06, 0.10, 0.10, 0.05];
    private static readonly string[] Tags =
    [
        "racism", "sexism", "disability", "lgbtq", "grief", "menopause", "caring", "neurodiversity", "religion", "age", "night shifts", "remote work",
    ];

    public required OrgChart Chart { get; init; }
    public required MatchingPool Pool { get; init; }
    public required IReadOnlyList<SupportRequest> Queue { get; init; }
    public required List<(Guid Id, Guid? ManagerId)> People { get; init; }
    public int Departments { get; init; }
    public int Levels => LevelSizes.Length;

    public static MatchingWorkload Create(int seed, int supporters = 2_000, int requests = 10_000)
    {
        var random = new Random(seed);
        var total = LevelSizes.Sum();
        var ids = new Guid[total];
        var manager = new int[total];
        var department = new int[total];
        var levelStart = new int[LevelSizes.Length + 1];
        for (var l = 0; l < LevelSizes.Length; l++)
        {
            levelStart[l + 1] = levelStart[l] + LevelSizes[l];
        }
        var departmentIds = Enumerable.Range(0, LevelSizes[2] + 1).Select(_ => Guid.NewGuid()).ToArray();
        for (var l = 0; l < LevelSizes.Length; l++)
        {
            for (var i = levelStart[l]; i < levelStart[l + 1]; i++)
            {
                ids[i] = new Guid(random.GetItems<byte>(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), 16));
                manager[i] = l == 0 ? -1 : random.Next(levelStart[l - 1], levelStart[l]);
                // The executive (levels 0-1) is one department; below, each level-2 manager heads one.
                department[i] = l < 2 ? 0 : l == 2 ? 1 + (i - levelStart[2]) : department[manager[i]];
            }
        }
        var people = Enumerable.Range(0, total).Select(i => (ids[i], manager[i] < 0 ? (Guid?)null : ids[manager[i]])).ToList();
        var chart = OrgChart.Build(people);

        var supporterPeople = random.GetItems(Enumerable.Range(levelStart[3], total - levelStart[3]).ToArray(), supporters * 2).Distinct().Take(supporters).ToArray();
        var profiles = new List<SupporterProfile>();
        var current = new HashSet<Guid>();
        foreach (var p in supporterPeople)
        {
            var cap = random.Next(1, 5);
            var languages = new List<string> { "en" };
            for (var k = 0; k < OtherLanguages.Length; k++)
            {
                if (random.NextDouble() < OtherLanguageShare[k])
                {
                    languages.Add(OtherLanguages[k]);
                }
            }
            var count = random.Next(0, 21);
            profiles.Add(new SupporterProfile
            {
                PersonId = ids[p],
                Name = $"Supporter {p}",
                DepartmentId = departmentIds[department[p]],
                Languages = languages,
                SharedTags = random.GetItems(Tags, random.Next(0, 4)).Distinct().ToArray(),
                Cap = cap,
                OpenCases = random.Next(0, cap + 1),
                Paused = random.NextDouble() < 0.03,
                Available = random.NextDouble() >= 0.05,
                Feedback = new FeedbackStats(count, count == 0 ? 0 : Math.Round(2.5 + (2.5 * random.NextDouble()), 2)),
            });
            if (random.NextDouble() >= 0.05)
            {
                current.Add(ids[p]);
            }
        }

        var requesters = random.GetItems(Enumerable.Range(1, total - 1).ToArray(), requests * 2).Distinct().Take(requests).ToArray();
        var queue = new List<SupportRequest>(requests);
        foreach (var p in requesters)
        {
            var harm = new List<Guid>();
            var harms = random.NextDouble() switch { < 0.3 => 0, < 0.85 => 1, _ => 2 };
            for (var h = 0; h < harms; h++)
            {
                // Most often the requester's own manager or someone near them; sometimes anyone.
                var who = random.NextDouble() switch
                {
                    < 0.4 when manager[p] >= 0 => manager[p],
                    < 0.8 when manager[p] >= 0 && manager[manager[p]] >= 0 => random.Next(levelStart[LevelOf(levelStart, p)], levelStart[LevelOf(levelStart, p) + 1]),
                    _ => random.Next(total),
                };
                harm.Add(ids[who]);
            }
            var language = random.NextDouble() switch
            {
                < 0.70 => null,
                < 0.85 => "en",
                _ => OtherLanguages[random.Next(OtherLanguages.Length)],
            };
            queue.Add(new SupportRequest
            {
                Id = Guid.NewGuid(),
                RequesterId = ids[p],
                DepartmentId = departmentIds[department[p]],
                Urgency = random.NextDouble() < 0.15 ? Urgency.Urgent : Urgency.Normal,
                Language = language,
                WantsOutsideDepartment = random.NextDouble() < 0.8,
                WantedTags = random.GetItems(Tags, random.Next(0, 3)).Distinct().ToArray(),
                SourcesOfHarm = harm,
                BlockedSupporters = random.NextDouble() < 0.1 ? random.GetItems(profiles.ToArray(), random.Next(1, 3)).Select(s => s.PersonId).ToArray() : [],
            });
        }
        return new MatchingWorkload
        {
            Chart = chart,
            Pool = new MatchingPool(chart, profiles, current),
            Queue = queue,
            People = people,
            Departments = departmentIds.Length,
        };
    }

    private static int LevelOf(int[] levelStart, int person)
    {
        var l = 0;
        while (levelStart[l + 1] <= person)
        {
            l++;
        }
        return l;
    }
}
