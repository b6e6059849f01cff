namespace Upstander.Platform;

/// <summary>Finds a folder of shipped content (content/&lt;name&gt;): training courses, the safety screen's lexicons.</summary>
public static class ContentFolders
{
    /// <summary>
    /// <paramref name="setting"/> when set (relative to the content root; <paramref name="missing"/> makes
    /// the error when it does not exist), else content/<paramref name="name"/> beside the app (a published
    /// copy), else found by walking up from the content root; null when there is none.
    /// </summary>
    public static string? Find(IConfiguration configuration, string contentRoot, string setting, string name, Func<string, Exception> missing)
    {
        if (configuration[setting] is { Length: > 0 } configured)
        {
            var path = Path.GetFullPath(configured, contentRoot);
            return Directory.Exists(path)
                ? path
                : throw missing($"{setting} \"{configured}\" does not exist (looked for {path}).");
        }
        var beside = Path.Combine(AppContext.BaseDirectory, "content", name);
        if (Directory.Exists(beside))
        {
            return beside;
        }
        for (var folder = new DirectoryInfo(contentRoot); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "content", name);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
