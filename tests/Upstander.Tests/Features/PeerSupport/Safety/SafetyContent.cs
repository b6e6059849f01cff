using Upstander.Features.PeerSupport.Safety;

namespace Upstander.Tests.Features.PeerSupport.Safety;

/// <summary>The shipped safety content (content/safety, copied beside the app), loaded once for the pure tests.</summary>
public static class SafetyContent
{
    public static string Shipped => Path.Combine(AppContext.BaseDirectory, "content", "safety");

    public static string Corpus => Path.Combine(AppContext.BaseDirectory, "Features", "PeerSupport", "Safety", "corpus");

    private static readonly Lazy<SafetyScreen> Loaded = new(() =>
    {
        var screen = new SafetyScreen();
        screen.Load(Shipped);
        return screen;
    });

    public static SafetyScreen Screen => Loaded.Value;

    /// <summary>A private copy of the shipped content in a temp folder, so a test may break it.</summary>
    public static string Copy()
    {
        var root = Path.Combine(Path.GetTempPath(), "upstander-safety-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(Shipped, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(root, Path.GetRelativePath(Shipped, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return root;
    }
}
