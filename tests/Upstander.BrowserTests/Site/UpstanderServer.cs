using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Upstander.BrowserTests.Site;

/// <summary>
/// The real Upstander executable, started as its own process on Kestrel at a free loopback port, with a
/// fresh data folder and master key. Its console output is kept, because that is where Upstander prints
/// the first-run set-up code and the demo sign-ins. Disposing stops the process and removes the folder.
/// </summary>
public sealed partial class UpstanderServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputLock = new();

    /// <summary>Where Kestrel listens: the same port on the IPv4 loopback, which the browser is told localhost is.</summary>
    private readonly Uri _listening;
    private TaskCompletionSource _outputGrew = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private UpstanderServer(Process process, string folder, Uri address, Uri listening)
    {
        _process = process;
        Folder = folder;
        Address = address;
        _listening = listening;
    }

    /// <summary>The site's address as people open it: http://localhost:PORT.</summary>
    public Uri Address { get; }

    public string Folder { get; }

    /// <summary>Everything the server has written to its console so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts Upstander with its own empty database and waits until /health answers 200.</summary>
    public static Task<UpstanderServer> StartAsync(bool demo) => StartAsync(demo, prepare: null, settings: new Dictionary<string, string?>());

    /// <summary>
    /// Starts Upstander with its own database, after <paramref name="prepare"/> (when given) has run the
    /// command-line verbs an operator would run on that database first, and waits until /health answers 200.
    /// <paramref name="settings"/> are further configuration keys and values, given on the command line.
    /// </summary>
    public static async Task<UpstanderServer> StartAsync(bool demo, Func<UpstanderCli, Task>? prepare, IReadOnlyDictionary<string, string?> settings)
    {
        var folder = Path.Combine(Path.GetTempPath(), "upstander-browser", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var port = FreePort();
        // The browser opens the site by name, as people open a real installation: WebAuthn takes the host as the
        // passkeys' relying-party id, and that must be a domain, never an IP address (localhost is one, and a secure
        // context over plain HTTP). Kestrel listens on the IPv4 loopback only, where the free port was found, and
        // the browser resolves localhost there alone (UpstanderSite), never trying [::1], where the port may not be ours.
        var address = new Uri($"http://localhost:{port}");
        var listening = new Uri($"http://127.0.0.1:{port}");
        var database = Path.Combine(folder, "data", "up.db");
        var masterKeyFile = Path.Combine(folder, "keys", "master.key");
        if (prepare is not null)
        {
            try
            {
                await prepare(new UpstanderCli(folder, address, database, masterKeyFile));
            }
            catch
            {
                DeleteFolder(folder);
                throw;
            }
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])
        [
            UpstanderAssembly(),
            "--contentRoot", UpstanderProjectDirectory(),
            "--urls", listening.ToString().TrimEnd('/'),
            "--PublicUrl=" + address.ToString().TrimEnd('/'),
            "--Database:Provider=Sqlite",
            "--Database:Connection=" + database,
            "--Protection:MasterKeyFile=" + masterKeyFile,
            "--RateLimits:SignInPerMinute=1000",
            "--RateLimits:SubmissionsPerMinute=1000",
        ])
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }
        if (demo)
        {
            start.ArgumentList.Add("--demo");
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment.Remove("ASPNETCORE_URLS");

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new UpstanderServer(process, folder, address, listening);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilHealthyAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Waits (bounded) until the console shows text matching <paramref name="pattern"/>, and returns the match.</summary>
    public async Task<Match> WaitForOutputAsync(Regex pattern)
    {
        // The server writes before it answers /health, but our reading of its console may lag a little behind.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            Task grew;
            lock (_outputLock)
            {
                var match = pattern.Match(_output.ToString());
                if (match.Success)
                {
                    return match;
                }
                grew = _outputGrew.Task;
            }
            var left = deadline - DateTime.UtcNow;
            try
            {
                await grew.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            }
            catch (TimeoutException)
            {
                throw new ShouldAssertException($"Upstander's console never showed {pattern}. It showed:\n{Output}");
            }
        }
    }

    /// <summary>The demo sign-ins Upstander printed once at start-up, by role.</summary>
    public async Task<IReadOnlyDictionary<string, DemoSignIn>> DemoSignInsAsync()
    {
        // The note after the list is printed last, so once it shows, every sign-in line has arrived.
        await WaitForOutputAsync(DemoListEnd());
        var signIns = DemoLine().Matches(Output)
            .Select(m => new DemoSignIn(m.Groups["role"].Value, m.Groups["email"].Value, m.Groups["password"].Value))
            .ToDictionary(s => s.Role, StringComparer.Ordinal);
        signIns.ShouldNotBeEmpty($"Upstander printed no demo sign-ins. It printed:\n{Output}");
        return signIns;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or never started: nothing left to stop.
        }
        _process.Dispose();
        DeleteFolder(Folder);
    }

    private static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on a slow runner; the temp folder is cleaned by the OS later.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        TaskCompletionSource grew;
        lock (_outputLock)
        {
            _output.AppendLine(line);
            grew = _outputGrew;
            _outputGrew = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        grew.TrySetResult();
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = _listening, Timeout = TimeSpan.FromSeconds(10) };
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        var deadline = DateTime.UtcNow + StartTimeout;
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Upstander exited with code {_process.ExitCode} before it was ready. It printed:\n{Output}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
                last = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            await timer.WaitForNextTickAsync();
        }
        throw new TimeoutException($"Upstander's /health did not answer 200 within {StartTimeout.TotalSeconds} s (last: {last}). It printed:\n{Output}");
    }

    /// <summary>Ports handed to servers of this run: two sites start at once, and neither may be given the other's port.</summary>
    private static readonly HashSet<int> PortsGiven = [];

    private static int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (PortsGiven)
            {
                if (PortsGiven.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>The same dotnet host that runs the tests (the CLI exports it), else the one on PATH.</summary>
    internal static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    internal static string UpstanderAssembly()
    {
        var path = Environment.GetEnvironmentVariable("UPSTANDER_DLL") ?? Metadata("UpstanderAssembly");
        File.Exists(path).ShouldBeTrue($"Upstander is not built at {path}. Build the solution first (dotnet build Upstander.slnx).");
        return path;
    }

    /// <summary>The project folder is the content root: appsettings.json and wwwroot (the stylesheet) live there.</summary>
    internal static string UpstanderProjectDirectory() => Metadata("UpstanderProjectDirectory");

    private static string Metadata(string key) =>
        typeof(UpstanderServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"The test assembly has no {key} metadata.");

    // "  Employee       ruth.abebe@harbourview.example       abcde-fghjk-mnpqr-stuvw"
    [GeneratedRegex(@"^  (?<role>[A-Za-z]+) +(?<email>\S+@\S+) +(?<password>\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex DemoLine();

    [GeneratedRegex("set up two-factor", RegexOptions.IgnoreCase)]
    private static partial Regex DemoListEnd();
}

public sealed record DemoSignIn(string Role, string Email, string Password);
