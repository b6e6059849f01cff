using Upstander.Platform.Cli;

namespace Upstander.Tests.Platform.Hosting;

/// <summary>
/// Asking the executable for help explains how to start it and lists the verbs. It does not start a server, and it
/// creates no database or key where it was run.
/// </summary>
public sealed class HelpTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("--urls", "http://127.0.0.1:5080", "--help")]
    [InlineData("--demo", "-?")]
    public async Task Help_explains_the_start_and_lists_every_verb(params string[] args)
    {
        CliVerbs.IsVerb(args).ShouldBeTrue("help is the command line's, not the web start's");
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await CliVerbs.RunAsync(args, output, error);

        code.ShouldBe(0);
        error.ToString().ShouldBeEmpty();
        var help = output.ToString();
        help.ShouldContain("With no verb, starts the web application");
        help.ShouldContain("--demo");
        help.ShouldContain("--urls URL");
        foreach (var verb in CliVerbs.Names)
        {
            help.ShouldContain("  " + verb + " ");
        }
    }

    [Theory]
    [InlineData]
    [InlineData("--demo")]
    [InlineData("--urls", "http://127.0.0.1:5080")]
    public void Without_a_verb_or_help_the_arguments_are_the_web_start_s(params string[] args) =>
        CliVerbs.IsVerb(args).ShouldBeFalse();

    [Fact]
    public async Task Version_prints_the_version()
    {
        var output = new StringWriter();
        (await CliVerbs.RunAsync(["--version"], output, new StringWriter())).ShouldBe(0);
        output.ToString().Trim().ShouldMatch(@"^\d+\.\d+\.\d+");
    }
}
