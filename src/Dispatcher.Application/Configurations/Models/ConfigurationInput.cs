using System.Text.Json.Serialization;

namespace Dispatcher.Application.Configurations.Models;

/// <summary>A configuration as clients send it (field names as the original service).</summary>
public sealed record ConfigurationInput
{
    /// <summary>Display name.</summary>
    /// <example>Persons hub</example>
    public string? Name { get; init; }

    /// <summary>The data model (domain) id.</summary>
    /// <example>5d9b3c2e1f0a4b5c6d7e8f90</example>
    public string? DataModel { get; init; }

    /// <summary>The connected apps.</summary>
    public IReadOnlyList<AppInput?>? Applications { get; init; }
}
