using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;

namespace Dispatcher.Api.Tests.OpenApi;

/// <summary>
/// The OpenAPI document is a build artifact: <c>docs/openapi/dispatcher-v1.json</c> is the document the service
/// serves at <c>/swagger/v1/swagger.json</c>, committed so API changes show up in review. The service runs in memory
/// on its embedded defaults (SQLite, in-process bus, standalone registry): no broker, no network.
/// Regenerate with <c>build/openapi.sh</c> (or <c>DISPATCHER_UPDATE_OPENAPI=1</c> on this test).
/// </summary>
[NonParallelizable]
public sealed class OpenApiArtifactTests
{
    /// <summary>Set to 1 to write the served document to the committed file instead of comparing.</summary>
    public const string UpdateVariable = "DISPATCHER_UPDATE_OPENAPI";

    /// <summary>The committed document, relative to the repository root.</summary>
    public const string CommittedPath = "docs/openapi/dispatcher-v1.json";

    private const int MaxDifferencesShown = 25;

    private static readonly JsonSerializerOptions Canonical = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        // Readable descriptions (<id>, `code`, quotes) in review; still valid JSON.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [Test]
    public async Task The_served_document_is_the_committed_one()
    {
        var served = await ServedDocumentAsync();
        var path = Path.Combine(RepositoryRoot(), CommittedPath);

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, Format(served));
            Assert.Pass($"Wrote {CommittedPath} ({UpdateVariable}=1); review it with `git diff -- {CommittedPath}`.");
        }

        File.Exists(path).Should().BeTrue($"{CommittedPath} must exist. {Regenerate}");
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(path));
        var differences = Differences(committed, served, "$").ToList();

        differences.Should().BeEmpty(
            "the served OpenAPI document must equal the committed {0}. {1}\nFirst differences (- committed, + served):\n{2}",
            CommittedPath, Regenerate, string.Join("\n", differences.Take(MaxDifferencesShown))
                + (differences.Count > MaxDifferencesShown ? $"\n… and {differences.Count - MaxDifferencesShown} more" : string.Empty));
        JsonNode.DeepEquals(committed, served).Should().BeTrue("the differ above found nothing, the documents must be equal");
    }

    [Test]
    public async Task The_committed_file_is_in_the_canonical_format_so_regenerating_only_shows_real_changes()
    {
        var path = Path.Combine(RepositoryRoot(), CommittedPath);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Assert.Ignore("Being regenerated.");
        }

        var text = await File.ReadAllTextAsync(path);

        text.Should().Be(Format(JsonNode.Parse(text)), $"the file is written by the generator only (indented by 2, LF, final newline). {Regenerate}");
    }

    [Test]
    public void The_differ_names_changed_added_and_removed_members()
    {
        var committed = JsonNode.Parse("""{"a":1,"b":{"c":[1,2]},"gone":true}""");
        var served = JsonNode.Parse("""{"a":2,"b":{"c":[1,2,3]},"new":"x"}""");

        Differences(committed, served, "$").Should().BeEquivalentTo(
            "~ $.a: - 1 + 2", "+ $.b.c[2]: 3", "- $.gone: true", "+ $.new: \"x\"");
        Differences(served, served, "$").Should().BeEmpty();
    }

    /// <summary>How to update the committed file.</summary>
    private static string Regenerate =>
        $"If the API change is intended, regenerate it with `build/openapi.sh` (or run this test with {UpdateVariable}=1) and commit the file.";

    /// <summary>The canonical text of the committed file: indented by 2, LF line ends, a final newline.</summary>
    public static string Format(JsonNode? document) => document!.ToJsonString(Canonical) + "\n";

    private static async Task<JsonNode?> ServedDocumentAsync()
    {
        // Only what every test host needs (test signing key, temporary SQLite file); nothing that changes the document.
        await using var factory = new DispatcherApiFactory();
        using var client = factory.CreateClient();
        return JsonNode.Parse(await client.GetStringAsync("/swagger/v1/swagger.json"));
    }

    /// <summary>The repository root: the first folder above the test's output with <c>src/Dispatcher.Api</c> and <c>docs</c>.</summary>
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, "src", "Dispatcher.Api")) && Directory.Exists(Path.Combine(directory.FullName, "docs")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No repository root above {TestContext.CurrentContext.TestDirectory}.");
    }

    /// <summary>Where two JSON documents differ, member order ignored (as JSON objects are unordered).</summary>
    private static IEnumerable<string> Differences(JsonNode? committed, JsonNode? served, string path)
    {
        switch (committed, served)
        {
            case (JsonObject left, JsonObject right):
                foreach (var (name, value) in left)
                {
                    if (!right.TryGetPropertyValue(name, out var other))
                    {
                        yield return $"- {Member(path, name)}: {Short(value)}";
                    }
                    else
                    {
                        foreach (var difference in Differences(value, other, Member(path, name)))
                        {
                            yield return difference;
                        }
                    }
                }

                foreach (var (name, value) in right.Where(p => !left.ContainsKey(p.Key)))
                {
                    yield return $"+ {Member(path, name)}: {Short(value)}";
                }

                break;
            case (JsonArray left, JsonArray right):
                for (var i = 0; i < Math.Max(left.Count, right.Count); i++)
                {
                    if (i >= right.Count)
                    {
                        yield return $"- {path}[{i}]: {Short(left[i])}";
                    }
                    else if (i >= left.Count)
                    {
                        yield return $"+ {path}[{i}]: {Short(right[i])}";
                    }
                    else
                    {
                        foreach (var difference in Differences(left[i], right[i], $"{path}[{i}]"))
                        {
                            yield return difference;
                        }
                    }
                }

                break;
            default:
                if (!JsonNode.DeepEquals(committed, served))
                {
                    yield return $"~ {path}: - {Short(committed)} + {Short(served)}";
                }

                break;
        }
    }

    private static string Member(string path, string name) =>
        name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? $"{path}.{name}" : $"{path}['{name}']";

    private static string Short(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= 120 ? text : text[..117] + "…";
    }
}
