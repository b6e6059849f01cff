using System.Text.Json;
using System.Text.RegularExpressions;

namespace Upstander.Features.Training;

/// <summary>A course folder that cannot be used; the message names each file and what is wrong with it.</summary>
public sealed class TrainingContentException(string message) : Exception(message), Platform.IStartupProblem;

/// <summary>
/// Reads course folders (docs/training-content.md) into <see cref="Course"/> and checks every rule,
/// collecting all the problems so an author can fix them in one go.
/// </summary>
public static partial class CourseLoader
{
    private sealed record CourseFile(string Slug, int Version, string Title, string Summary, string Audience, bool Core, IReadOnlyList<string> Modules);

    private sealed record ModuleFile(string Title, string Summary, int Minutes, IReadOnlyList<string> Lessons,
        string? Check = null, IReadOnlyList<string>? Scenarios = null, bool Refresher = false);

    /// <summary>Every course folder (one holding course.json) under <paramref name="root"/>, in name order.</summary>
    public static IReadOnlyList<Course> LoadAll(string root)
    {
        var courses = Directory.EnumerateDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, "course.json")))
            .Order(StringComparer.Ordinal)
            .Select(Load)
            .ToList();
        var duplicate = courses.GroupBy(c => c.Slug).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new TrainingContentException($"{root}: more than one course has the slug \"{duplicate.Key}\".");
        }
        return courses;
    }

    /// <summary>One course folder; throws <see cref="TrainingContentException"/> listing every problem found.</summary>
    public static Course Load(string folder)
    {
        var errors = new List<string>();
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        var where = $"{name}/course.json";
        var file = Read<CourseFile>(Path.Combine(folder, "course.json"), where, errors);
        if (file is null)
        {
            throw Failure(errors);
        }
        foreach (var repeated in file.Modules.GroupBy(m => m).Where(g => g.Count() > 1))
        {
            errors.Add($"{where}: module \"{repeated.Key}\" is listed more than once.");
        }
        var places = new FilePlaces(name);
        var modules = new List<CourseModule>();
        foreach (var key in file.Modules.Distinct())
        {
            if (!CourseRules.IsSlug(key) || !Directory.Exists(Path.Combine(folder, key)))
            {
                errors.Add($"{where}: module folder \"{key}\" does not exist (folder names are lower-case letters, digits and hyphens).");
                continue;
            }
            var module = LoadModule(folder, name, key, places, errors);
            if (module is not null)
            {
                modules.Add(module);
            }
        }

        SelfAssessment? selfAssessment = null;
        var selfPath = Path.Combine(folder, "self-assessment.json");
        if (File.Exists(selfPath))
        {
            selfAssessment = Read<SelfAssessment>(selfPath, places.SelfAssessment, errors);
        }
        var course = new Course(file.Slug, file.Version, file.Title.Trim(), file.Summary.Trim(), file.Audience, file.Core, modules, selfAssessment);
        // A module that could not be read is already reported; checking the rest must not add "needs at least one module" too.
        if (modules.Count > 0 || file.Modules.Count == 0)
        {
            errors.AddRange(CourseRules.Validate(course, places));
        }
        if (errors.Count > 0)
        {
            throw Failure(errors);
        }
        return course;
    }

    private static CourseModule? LoadModule(string folder, string courseName, string key, FilePlaces places, List<string> errors)
    {
        var moduleFolder = Path.Combine(folder, key);
        var where = $"{courseName}/{key}";
        var file = Read<ModuleFile>(Path.Combine(moduleFolder, "module.json"), $"{where}/module.json", errors);
        if (file is null)
        {
            return null;
        }
        var lessons = new List<Lesson>();
        foreach (var lessonFile in file.Lessons)
        {
            var lessonWhere = $"{where}/{lessonFile}";
            var path = SafeChild(moduleFolder, lessonFile);
            if (path is null || !lessonFile.EndsWith(".md", StringComparison.Ordinal) || !File.Exists(path))
            {
                errors.Add($"{where}/module.json: lesson file \"{lessonFile}\" does not exist.");
                continue;
            }
            var text = File.ReadAllText(path).ReplaceLineEndings("\n");
            var firstLine = text.Split('\n', 2)[0];
            if (!firstLine.StartsWith("# ", StringComparison.Ordinal) || firstLine.Length < 3)
            {
                errors.Add($"{lessonWhere}: the first line must be the lesson title, as \"# Title\".");
                continue;
            }
            var body = text.Length > firstLine.Length ? text[(firstLine.Length + 1)..] : "";
            lessons.Add(new Lesson(lessonFile, firstLine[2..].Trim(), body.Trim()));
        }

        KnowledgeCheck? check = null;
        if (file.Check is not null)
        {
            if (SafeChild(moduleFolder, file.Check) is not { } checkPath || !File.Exists(checkPath))
            {
                errors.Add($"{where}/module.json: check file \"{file.Check}\" does not exist.");
            }
            else
            {
                check = Read<KnowledgeCheck>(checkPath, $"{where}/{file.Check}", errors);
                places.Name(key, "check", $"{where}/{file.Check}");
            }
        }

        var scenarios = new List<Scenario>();
        foreach (var scenarioFile in file.Scenarios ?? [])
        {
            if (SafeChild(moduleFolder, scenarioFile) is not { } scenarioPath || !File.Exists(scenarioPath))
            {
                errors.Add($"{where}/module.json: scenario file \"{scenarioFile}\" does not exist.");
                continue;
            }
            if (Read<Scenario>(scenarioPath, $"{where}/{scenarioFile}", errors) is { } scenario)
            {
                places.Name(key, "scenario" + scenarios.Count, $"{where}/{scenarioFile}");
                scenarios.Add(scenario);
            }
        }
        places.Name(key, "module", $"{where}/module.json");
        places.Name(key, "folder", where);
        return new CourseModule(key, file.Title.Trim(), file.Summary.Trim(), file.Minutes, lessons, check, scenarios, file.Refresher);
    }

    /// <summary>Names each part of a course by the file it came from.</summary>
    private sealed class FilePlaces(string courseName) : ICoursePlaces
    {
        private readonly Dictionary<(string Module, string Part), string> _names = [];
        public void Name(string module, string part, string name) => _names[(module, part)] = name;

        public string Course => $"{courseName}/course.json";

        public string SelfAssessment => $"{courseName}/self-assessment.json";

        public string Module(int index, CourseModule module) => _names[(module.Key, "module")];

        public string Lesson(int moduleIndex, CourseModule module, int lessonIndex) => $"{_names[(module.Key, "folder")]}/{module.Lessons[lessonIndex].File}";

        public string Check(int moduleIndex, CourseModule module) => _names[(module.Key, "check")];

        public string Scenario(int moduleIndex, CourseModule module, int scenarioIndex) => _names[(module.Key, "scenario" + scenarioIndex)];
    }

    private static T? Read<T>(string path, string where, List<string> errors) where T : class
    {
        if (!File.Exists(path))
        {
            errors.Add($"{where}: file is missing.");
            return null;
        }
        try
        {
            var value = JsonSerializer.Deserialize<T>(File.ReadAllText(path), CourseJson.Options);
            if (value is null)
            {
                errors.Add($"{where}: file is empty.");
            }
            return value;
        }
        catch (JsonException e)
        {
            errors.Add($"{where}: {e.Message}");
            return null;
        }
    }

    /// <summary>A file named in a module, only if it stays inside the module's folder.</summary>
    private static string? SafeChild(string folder, string name) =>
        FileName().IsMatch(name) ? Path.Combine(folder, name) : null;

    private static TrainingContentException Failure(List<string> errors) =>
        new("Training content is not valid:\n" + string.Join('\n', errors.Select(e => "  - " + e)));

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex FileName();
}
