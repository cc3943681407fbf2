namespace Dispatcher.Bench;

/// <summary>One connection of a generated configuration (outbound: <see cref="Operation"/> is null).</summary>
public sealed record ConnectionSpec(string Id, string SchemaUri, string? Operation, string AdapterAction, string? FlowId);

/// <summary>One side of a generated app.</summary>
public sealed record SideSpec(bool Active, IReadOnlyList<ConnectionSpec> Flows);

/// <summary>One generated app.</summary>
public sealed record AppSpec(string Id, string ApplicationUid, string ApplicationName, SideSpec Outbound, SideSpec Inbound);

/// <summary>One generated configuration, independent of the domain model (the load tool writes it as a stored document).</summary>
public sealed record ConfigurationSpec(string Id, string Tenant, string Name, IReadOnlyList<AppSpec> Apps);

/// <summary>
/// A deterministic, realistic mix of dispatch configurations (fixed seed): 2–10 apps each, 8 schemas of one data
/// model (the first four much more common), inbound connections for 1–3 schemas with CREATE / UPDATE / DELETE at
/// different rates, sometimes two inbound flows for the same schema and operation (two adapter actions), 10 % of
/// sides inactive and 2 % of connections not provisioned.
/// Every 10th configuration is a "hub" (6–10 apps) whose first app's outbound schemas fan out to exactly 10, 3 and 1
/// target flows for CREATE, so every table size holds sources of each benchmarked fan-out.
/// </summary>
public static class ConfigurationMix
{
    /// <summary>The fixed seed of every benchmark.</summary>
    public const int Seed = 20261126;

    /// <summary>The generated tenants (configurations are spread over them round-robin).</summary>
    public const int Tenants = 500;

    private const string Domain = "http://metadata.example.com/api/v1/domains/5d9b/schemas/";

    /// <summary>The schema names; the first four are the common ones.</summary>
    public static readonly string[] Schemas = ["person", "organization", "product", "order", "invoice", "ticket", "address", "contract"];

    private static readonly string[] Operations = ["CREATE", "UPDATE", "DELETE"];
    private static readonly double[] OperationRates = [0.8, 0.6, 0.3];

    /// <summary>The schema URI of a schema name.</summary>
    public static string SchemaUri(string name) => Domain + name;

    /// <summary>
    /// Generates <paramref name="count"/> configurations. Ids are unique across calls with different
    /// <paramref name="idSpace"/> values (0–255); flow ids are 24 lower-case hex digits, like the Flow Repository's ObjectIds, starting with the two hex digits <paramref name="flowPrefix"/>.
    /// </summary>
    public static IEnumerable<ConfigurationSpec> Generate(int count, int seed = Seed, int idSpace = 0, string flowPrefix = "bf")
    {
        var random = new Random(seed);
        ulong next = 0;
        string NewId() => $"{idSpace:x2}{0xbe:x2}{++next:x20}";
        // Flow ids as long as the Flow Repository's (24 characters), since the table keeps them: memory depends on it.
        string NewFlow() => $"{flowPrefix}{idSpace:x2}{++next:x20}";

        for (var i = 0; i < count; i++)
        {
            var id = NewId();
            var apps = i % 10 == 0 ? Hub(random, i, NewId, NewFlow) : Mixed(random, i, NewId, NewFlow);
            yield return new ConfigurationSpec(id, $"tenant-{i % Tenants:d4}", $"Configuration {i}", apps);
        }
    }

    private static List<AppSpec> Mixed(Random random, int index, Func<string> newId, Func<string> newFlow)
    {
        var appCount = random.Next(2, 11);
        var apps = new List<AppSpec>(appCount);
        for (var a = 0; a < appCount; a++)
        {
            var outbound = new List<ConnectionSpec>();
            foreach (var schema in PickSchemas(random, random.Next(1, 4)))
            {
                outbound.Add(new ConnectionSpec(newId(), SchemaUri(schema), null, $"get{schema}s", Provisioned(random, newFlow)));
            }

            var inbound = new List<ConnectionSpec>();
            foreach (var schema in PickSchemas(random, random.Next(1, 4)))
            {
                for (var o = 0; o < Operations.Length; o++)
                {
                    if (random.NextDouble() >= OperationRates[o])
                    {
                        continue;
                    }

                    var operation = Operations[o];
                    inbound.Add(new ConnectionSpec(newId(), SchemaUri(schema), operation, $"{operation.ToLowerInvariant()}{schema}", Provisioned(random, newFlow)));
                    if (random.NextDouble() < 0.15)
                    {
                        inbound.Add(new ConnectionSpec(newId(), SchemaUri(schema), operation, $"upsert{schema}", Provisioned(random, newFlow)));
                    }
                }
            }

            apps.Add(new AppSpec(
                newId(), $"app-{index}-{a}", $"App {a} of {index}",
                new SideSpec(random.NextDouble() >= 0.1, outbound),
                new SideSpec(random.NextDouble() >= 0.1, inbound)));
        }

        return apps;
    }

    /// <summary>
    /// App 0 sends person, organization and product; the others receive person CREATE twice each (apps 1–5, so 10
    /// flows), organization CREATE (apps 1–3) and product CREATE (app 1), plus random extra connections.
    /// </summary>
    private static List<AppSpec> Hub(Random random, int index, Func<string> newId, Func<string> newFlow)
    {
        var appCount = random.Next(6, 11);
        var apps = new List<AppSpec>(appCount);
        for (var a = 0; a < appCount; a++)
        {
            var outbound = new List<ConnectionSpec>();
            var inbound = new List<ConnectionSpec>();
            if (a == 0)
            {
                foreach (var schema in (string[])["person", "organization", "product"])
                {
                    outbound.Add(new ConnectionSpec(newId(), SchemaUri(schema), null, $"get{schema}s", newFlow()));
                }
            }
            else
            {
                outbound.Add(new ConnectionSpec(newId(), SchemaUri(Schemas[4 + random.Next(4)]), null, "getThings", newFlow()));
                if (a <= 5)
                {
                    inbound.Add(new ConnectionSpec(newId(), SchemaUri("person"), "CREATE", "createperson", newFlow()));
                    inbound.Add(new ConnectionSpec(newId(), SchemaUri("person"), "CREATE", "upsertperson", newFlow()));
                }

                if (a <= 3)
                {
                    inbound.Add(new ConnectionSpec(newId(), SchemaUri("organization"), "CREATE", "createorganization", newFlow()));
                }

                if (a == 1)
                {
                    inbound.Add(new ConnectionSpec(newId(), SchemaUri("product"), "CREATE", "createproduct", newFlow()));
                }

                if (random.NextDouble() < 0.5)
                {
                    inbound.Add(new ConnectionSpec(newId(), SchemaUri("person"), "UPDATE", "updateperson", newFlow()));
                }
            }

            apps.Add(new AppSpec(newId(), $"hub-{index}-{a}", $"Hub app {a} of {index}", new SideSpec(true, outbound), new SideSpec(true, inbound)));
        }

        return apps;
    }

    private static IEnumerable<string> PickSchemas(Random random, int count)
    {
        var picked = new HashSet<string>();
        while (picked.Count < count)
        {
            // 80 %: one of the four common schemas, so apps of a configuration overlap as real ones do.
            picked.Add(random.NextDouble() < 0.8 ? Schemas[random.Next(4)] : Schemas[random.Next(Schemas.Length)]);
        }

        return picked;
    }

    private static string? Provisioned(Random random, Func<string> newFlow) => random.NextDouble() < 0.02 ? null : newFlow();
}
