using Upstander.Platform.Cli;

namespace Upstander.Tests.TestHost;

/// <summary>Runs the product's CLI verbs in-process against a test database, capturing what they print.</summary>
public static class Cli
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Task<Result> RunAsync(TestDatabase database, params string[] verb) =>
        RunOnAsync(database, database.Engine, database.Connection, verb);

    /// <summary>Runs a verb on another database (for example a backup copy) with the test database's master key.</summary>
    public static async Task<Result> RunOnAsync(TestDatabase keysFrom, Engine engine, string connection, params string[] verb)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        string[] args =
        [
            .. verb,
            "--database", engine == Engine.Postgres ? "postgres" : "sqlite",
            "--connection", connection,
            "--master-key-file", Path.Combine(keysFrom.Folder, "keys", "master.key"),
        ];
        var code = await CliVerbs.RunAsync(args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }
}
