using System.Globalization;
using Dispatcher.Bench;
using Dispatcher.LifecycleBench;

const string Usage = """
    usage:
      Dispatcher.LifecycleBench lifecycle --api PATH/Dispatcher.Api.dll [--sizes 100,500,2000,20000] [--runs 3] [--flows-per-configuration 20000] [--max-body-bytes N] [--out DIR]
      Dispatcher.LifecycleBench reconcile [--configurations 100000] [--runs 3] [--page-size 1000] [--out DIR]
      Dispatcher.LifecycleBench stats [N]      (connections and flows of the benchmark mix of N configurations)
    """;

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i < args.Length - 1; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

string Option(string name, string fallback) => options.TryGetValue(name, out var value) ? value : fallback;
int Number(string name, int fallback) => int.Parse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
var output = Option("out", Path.Combine("artifacts", "bench", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-lifecycle"));

switch (args.FirstOrDefault())
{
    case "lifecycle" when options.ContainsKey("api"):
        var sizes = Option("sizes", "100,500,2000,20000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        return await new LifecycleRun(
            Option("api", string.Empty), output, sizes, Number("runs", 3),
            long.Parse(Option("max-body-bytes", (16 * 1024 * 1024).ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture),
            Number("flows-per-configuration", LifecycleRun.MaxFlowsPerConfiguration)).RunAsync();
    case "reconcile":
        return await new ReconcileRun(Number("configurations", 100_000), Number("runs", 3), Number("page-size", 1000), output).RunAsync();
    case "stats":
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        long configurations = 0, connections = 0, withFlow = 0, active = 0, activeWithFlow = 0;
        foreach (var spec in ConfigurationMix.Generate(count, idSpace: 0x5e, flowPrefix: "5d"))
        {
            configurations++;
            foreach (var side in spec.Apps.SelectMany(app => new[] { app.Outbound, app.Inbound }))
            {
                connections += side.Flows.Count;
                withFlow += side.Flows.Count(c => c.FlowId is not null);
                active += side.Active ? side.Flows.Count : 0;
                activeWithFlow += side.Active ? side.Flows.Count(c => c.FlowId is not null) : 0;
            }
        }

        Console.WriteLine($"{configurations:N0} configurations, {connections:N0} connections ({withFlow:N0} with a flow id), {active:N0} on active sides ({activeWithFlow:N0} with a flow id)");
        return 0;
    default:
        Console.Error.WriteLine(Usage);
        return 2;
}
