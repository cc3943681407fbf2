using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dispatcher.Infrastructure.Tests.FlowRepository;

internal static class JsonAssertions
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Asserts JSON equality (object property order ignored, everything else exact).</summary>
    public static void ShouldBeJson(this JsonNode? actual, string expected)
    {
        var expectedNode = JsonNode.Parse(expected);
        JsonNode.DeepEquals(actual, expectedNode).Should().BeTrue(
            "expected{0}{1}{0}but the fake received{0}{2}",
            Environment.NewLine, expectedNode?.ToJsonString(Indented), actual?.ToJsonString(Indented));
    }
}
