using System.CommandLine;

namespace Upstander.Features.People;

/// <summary>The import-people verb. Filled in with the CSV import.</summary>
internal static class PeopleImportCli
{
    public static void Add(RootCommand root, Func<ParseResult, Func<IServiceProvider, Task<int>>, bool, Task<int>> inScope, TextWriter output, TextWriter error)
    {
    }
}
