using Upstander.Platform.Cli;

namespace Upstander.Tests.TestHost;

/// <summary>Runs the product's CLI verbs in-process against a test database, capturing what they print.</summary>
public static class Cli
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(TestDatabase database, params string[] verb)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        string[] args =
        [
            .. verb,
            "--database", database.Engine == Engine.Postgres ? "postgres" : "sqlite",
            "--connection", database.Connection,
            "--master-key-file", Path.Combine(database.Folder, "keys", "master.key"),
        ];
        var code = await CliVerbs.RunAsync(args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }
}
