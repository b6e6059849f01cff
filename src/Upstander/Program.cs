using Upstander.Platform;
using Upstander.Platform.Cli;

if (CliVerbs.IsVerb(args))
{
    return await CliVerbs.RunAsync(args);
}
return await UpstanderApp.RunAsync(args, Console.Error);

/// <summary>Exposed for WebApplicationFactory in the tests.</summary>
public partial class Program;
