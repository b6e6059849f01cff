using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

if (args.Length > 0 && args[0] == "matching")
{
    return Upstander.Bench.MatchingRun.Run(args);
}
if (args.Length > 0 && args[0] == "reporting")
{
    return await Upstander.Bench.ReportingRun.RunAsync(args);
}

// A short in-process job: a few iterations are enough to see the order of magnitude, and running in this
// process avoids BenchmarkDotNet generating (and building) a project inside the repository.
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortInProcess"))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(Upstander.Bench.OrgChartBenchmarks).Assembly).Run(args, config);
return 0;
