using System.Diagnostics;
using System.Globalization;
using System.Text;
using Upstander.Features.PeerSupport.Matching;
using Upstander.Features.People;

namespace Upstander.Bench;

/// <summary>
/// `Upstander.Bench matching [runs] [output]`: times the whole queue assignment (eligibility filtering, the
/// optimal assignment and every explanation) on <see cref="MatchingWorkload"/>, compares its quality with the
/// greedy baseline, and writes a Markdown table. A plain stopwatch loop: each run takes about a second, which
/// BenchmarkDotNet's many-iteration jobs are not made for.
/// </summary>
internal static class MatchingRun
{
    public static int Run(string[] args)
    {
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var output = args.Length > 2 ? args[2] : "bench/results/matching.md";
        var workload = MatchingWorkload.Create(seed: 42);
        var options = MatchingOptions.Default;
        var matcher = new SupportMatcher(options);
        var greedy = new GreedyMatcher(options);

        var chartWatch = Stopwatch.StartNew();
        _ = OrgChart.Build(workload.People);
        chartWatch.Stop();

        QueueAssignment optimal = matcher.AssignQueue(workload.Queue, workload.Pool); // warm-up (JIT)
        var times = new List<double>();
        var allocated = new List<long>();
        for (var i = 0; i < runs; i++)
        {
            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            optimal = matcher.AssignQueue(workload.Queue, workload.Pool);
            watch.Stop();
            allocated.Add(GC.GetTotalAllocatedBytes(precise: true) - before);
            times.Add(watch.Elapsed.TotalMilliseconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {i + 1}: {watch.Elapsed.TotalMilliseconds:0} ms, {allocated[^1] / 1048576.0:0.0} MiB allocated"));
        }
        _ = greedy.AssignQueue(workload.Queue, workload.Pool);
        var greedyWatch = Stopwatch.StartNew();
        var baseline = greedy.AssignQueue(workload.Queue, workload.Pool);
        greedyWatch.Stop();

        times.Sort();
        var median = times[times.Count / 2];
        var max = times[^1];
        var offered = workload.Pool.Supporters.Count(s => workload.Pool.CurrentSupporterIds.Contains(s.PersonId) && !s.Paused && s.Available && s.RemainingCapacity > 0);
        var slots = workload.Pool.Supporters.Where(s => workload.Pool.CurrentSupporterIds.Contains(s.PersonId) && !s.Paused && s.Available).Sum(s => s.RemainingCapacity);
        var urgent = workload.Queue.Count(r => r.Urgency == Urgency.Urgent);
        var report = Report(workload, optimal, baseline, median, max, allocated.Max(), runs, chartWatch.Elapsed.TotalMilliseconds, greedyWatch.Elapsed.TotalMilliseconds, offered, slots, urgent);
        File.WriteAllText(output, report);
        Console.WriteLine(report);
        return median < 2_000 ? 0 : 1;
    }

    private static string Report(MatchingWorkload w, QueueAssignment optimal, QueueAssignment greedy, double median, double max, long allocated, int runs,
        double chartMs, double greedyMs, int offered, int slots, int urgent)
    {
        var o = optimal.Objective;
        var g = greedy.Objective;
        var reasons = optimal.Outcomes.Where(x => x.Unmatched is not null).GroupBy(x => x.Unmatched!.Reason).OrderByDescending(x => x.Count())
            .Select(x => $"{x.Key} {x.Count():N0}");
        var b = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        b.AppendLine("# Peer-support matching: 10,000 requests, 2,000 supporters, 100,000-person chart");
        b.AppendLine();
        b.AppendLine(c, $"Written by `Upstander.Bench matching` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. What `Features/PeerSupport/Matching` costs for a whole queue");
        b.AppendLine("(`SupportMatcher.AssignQueue`: building the eligibility index, every hard rule for every pair, the optimal assignment with");
        b.AppendLine("its pricing proof, and an explanation for every request), and how much better it is than first-come greedy.");
        b.AppendLine();
        b.AppendLine("Command (Release build):");
        b.AppendLine();
        b.AppendLine("```");
        b.AppendLine("dotnet build bench/Upstander.Bench -c Release");
        b.AppendLine("dotnet bench/Upstander.Bench/bin/Release/net10.0/Upstander.Bench.dll matching 5 bench/results/matching.md");
        b.AppendLine("```");
        b.AppendLine();
        b.AppendLine(c, $"Workload (`MatchingWorkload`, seed 42): {w.Chart.Count:N0} people in {w.Levels} levels, {w.Departments} departments; ");
        b.AppendLine(c, $"{w.Pool.Supporters.Count:N0} supporter profiles (caps 1-4, some already at cap, 3% paused, 5% unavailable, 5% no longer certified), ");
        b.AppendLine(c, $"{offered:N0} of them offerable with {slots:N0} free slots between them; {w.Queue.Count:N0} requests ({urgent:N0} urgent), 30% asking for a language, ");
        b.AppendLine("70% naming one or two sources of harm (often their own manager or a peer), 10% blocking one or two supporters. Default weights.");
        b.AppendLine();
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
        b.AppendLine(c, $"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {load} when the runs ended");
        b.AppendLine(c, $"(the machine is shared with other builds, so times vary from run to run). One warm-up run, then {runs} timed runs; allocation counts every thread.");
        b.AppendLine();
        b.AppendLine("| measure | value |");
        b.AppendLine("| --- | ---: |");
        b.AppendLine(c, $"| whole-queue assignment, median of {runs} | {median:N0} ms |");
        b.AppendLine(c, $"| whole-queue assignment, max of {runs} | {max:N0} ms |");
        b.AppendLine(c, $"| allocated per run (max) | {allocated / 1048576.0:N1} MiB |");
        b.AppendLine(c, $"| eligible pairs (all hard rules passed) | {optimal.Statistics.EligiblePairs:N0} |");
        b.AppendLine(c, $"| edges the solver used | {optimal.Statistics.CandidateEdges:N0} |");
        b.AppendLine(c, $"| pricing rounds (the last proves optimality over all eligible pairs) | {optimal.Statistics.PricingRounds} |");
        b.AppendLine(c, $"| greedy baseline, one run | {greedyMs:N0} ms |");
        b.AppendLine(c, $"| org chart build (cached by the app, not in the times above) | {chartMs:N0} ms |");
        b.AppendLine();
        b.AppendLine("Quality (same hard rules and scores):");
        b.AppendLine();
        b.AppendLine("| | optimal (`SupportMatcher`) | greedy, first come (`GreedyMatcher`) |");
        b.AppendLine("| --- | ---: | ---: |");
        b.AppendLine(c, $"| urgent requests matched (of {urgent:N0}) | {o.UrgentMatched:N0} | {g.UrgentMatched:N0} |");
        b.AppendLine(c, $"| requests matched (of {w.Queue.Count:N0}) | {o.Matched:N0} | {g.Matched:N0} |");
        b.AppendLine(c, $"| total preference score | {o.Score:N1} | {g.Score:N1} |");
        b.AppendLine(c, $"| mean score per match | {o.Score / Math.Max(1, o.Matched):N3} | {g.Score / Math.Max(1, g.Matched):N3} |");
        b.AppendLine();
        b.AppendLine(c, $"Unmatched requests by reason (optimal): {string.Join(", ", reasons)}.");
        b.AppendLine();
        b.AppendLine("Capacity is short (more requests than free slots), so the matched count is bounded by the slots the hard rules let");
        b.AppendLine("each request reach; the optimal assignment fills urgent requests first and then as many others as possible.");
        return b.ToString();
    }
}
