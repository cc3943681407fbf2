using System.Text.Json.Serialization;

namespace Dispatcher.Application.Configurations.Models;

/// <summary>One side of an app as the API returns it.</summary>
public sealed record SideDto(bool Active, IReadOnlyList<ConnectionDto> Flows);
