using System.Text.Json.Nodes;

namespace Upstander.Tests.Features.Training;

/// <summary>A private copy of the sample courses in a temp folder, so a test may break or change them.</summary>
public sealed class TrainingContentFixture : IDisposable
{
    public static string Source => Path.Combine(AppContext.BaseDirectory, "Features", "Training", "Content");

    public TrainingContentFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "upstander-training-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(Source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Root, Path.GetRelativePath(Source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public string Root { get; }

    public string SampleCourse => Path.Combine(Root, "sample-course");

    public string ModuleFile(string name) => Path.Combine(SampleCourse, "01-listening", name);

    /// <summary>Adds a second module to the sample course, a copy of the first under another key and title.</summary>
    public void AddModule(string key, string title)
    {
        var first = Path.Combine(SampleCourse, "01-listening");
        var target = Path.Combine(SampleCourse, key);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(first))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        EditJson(Path.Combine(target, "module.json"), n => n["title"] = title);
        EditJson(Path.Combine(SampleCourse, "course.json"), n => n["modules"]!.AsArray().Add(key));
    }

    /// <summary>Edits a JSON file of the sample course in place.</summary>
    public void EditJson(string path, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(File.ReadAllText(path))!;
        edit(node);
        File.WriteAllText(path, node.ToJsonString());
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
