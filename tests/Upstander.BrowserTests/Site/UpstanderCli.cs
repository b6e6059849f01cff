using System.Diagnostics;

namespace Upstander.BrowserTests.Site;

/// <summary>
/// Upstander's command-line verbs (create-organisation, create-admin, import-people, ...), run as an operator
/// runs them: the same built executable, as its own process, on the database and master key a server
/// is about to use. Used before that server starts, so the two never write to the database at once.
/// </summary>
public sealed class UpstanderCli(string folder, Uri publicUrl, string database, string masterKeyFile)
{
    private static readonly TimeSpan VerbTimeout = TimeSpan.FromSeconds(90);

    /// <summary>A folder of the installation's own, for files handed to a verb (such as an import file).</summary>
    public string Folder { get; } = folder;

    /// <summary>Runs one verb and returns what it printed; fails the test, showing its output, when it exits non-zero.</summary>
    public async Task<string> RunAsync(params string[] verb)
    {
        var start = new ProcessStartInfo(UpstanderServer.DotnetHost())
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])
        [
            UpstanderServer.UpstanderAssembly(), .. verb,
            "--database", "sqlite", "--connection", database, "--master-key-file", masterKeyFile,
        ])
        {
            start.ArgumentList.Add(argument);
        }
        // The links create-admin prints start with the address the server will listen on.
        start.Environment["PublicUrl"] = publicUrl.ToString().TrimEnd('/');
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(VerbTimeout))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"`{verb[0]}` did not finish within {VerbTimeout.TotalSeconds} s.");
            }
        }
        var printed = await output;
        process.ExitCode.ShouldBe(0, $"`{string.Join(' ', verb)}` failed. It printed:\n{printed}\n{await error}");
        return printed;
    }
}
