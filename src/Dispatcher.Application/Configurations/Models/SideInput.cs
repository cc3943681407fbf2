using System.Text.Json.Serialization;

namespace Dispatcher.Application.Configurations.Models;

/// <summary>One side of an app as clients send it.</summary>
public sealed record SideInput
{
    /// <summary>Whether the side takes part in routing; false when omitted.</summary>
    /// <example>true</example>
    public bool? Active { get; init; }

    /// <summary>The side's connections (the original calls them flows).</summary>
    public IReadOnlyList<ConnectionInput?>? Flows { get; init; }
}
