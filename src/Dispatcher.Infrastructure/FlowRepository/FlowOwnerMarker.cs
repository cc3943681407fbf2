using System.Text.RegularExpressions;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Infrastructure.FlowRepository;

/// <summary>
/// The owner a generated flow carries in its description (the Flow Repository searches and lists descriptions, and
/// stores nothing else of ours on a flow): <c>… (dispatcher: configuration &lt;id&gt; connection &lt;id&gt;)</c>. It
/// lets the reconciler find flows whose write never committed.
/// </summary>
internal static partial class FlowOwnerMarker
{
    /// <summary>The generated description with the owner appended.</summary>
    public static string Describe(ConfigurationId configurationId, ConnectionId connectionId) =>
        $"{FlowGraphBuilder.Description} (dispatcher: configuration {configurationId} connection {connectionId})";

    /// <summary>The owner named by <paramref name="description"/>, or null for flows this service did not mark.</summary>
    public static FlowOwner? Read(string? description)
    {
        var match = description is null ? null : Pattern().Match(description);
        return match is { Success: true }
            && ConfigurationId.TryParse(match.Groups[1].Value, out var configurationId)
            && ConnectionId.TryParse(match.Groups[2].Value, out var connectionId)
                ? new FlowOwner(configurationId, connectionId)
                : null;
    }

    [GeneratedRegex(@"\(dispatcher: configuration ([A-Za-z0-9_-]{1,64}) connection ([A-Za-z0-9_-]{1,64})\)\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
