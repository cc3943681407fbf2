using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Configurations.Models;

/// <summary>Domain → DTO. Hand-written: the value objects make a generated mapper no shorter (ADR 0002).</summary>
public static class ConfigurationMapping
{
    /// <summary>The DTO of <paramref name="configuration"/>.</summary>
    public static ConfigurationDto ToDto(this Configuration configuration) => new(
        configuration.Id.Value,
        configuration.Tenant.Value,
        configuration.Name,
        configuration.DataModel,
        [.. configuration.Apps.Select(ToDto)],
        ToMilliseconds(configuration.CreatedAt),
        ToMilliseconds(configuration.UpdatedAt),
        configuration.Version);

    /// <summary>The DTO of <paramref name="app"/>.</summary>
    public static AppDto ToDto(this App app) => new(
        app.Id.Value,
        app.ApplicationName,
        app.ApplicationUid.Value,
        app.AdapterComponentId,
        app.TransformerComponentId,
        app.SecretId,
        app.Fields.ToElement(),
        ToDto(app.Outbound),
        ToDto(app.Inbound));

    /// <summary>The wire name of an operation (CREATE, UPDATE, DELETE).</summary>
    public static string ToWire(this Operation operation) => OperationNames.ToText(operation);

    // Stores keep milliseconds (as MongoDB does); answers before and after a reload must agree.
    private static DateTimeOffset ToMilliseconds(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerMillisecond), value.Offset);

    private static SideDto ToDto(AppSide side) => new(side.Active, [.. side.Connections.Select(ToDto)]);

    private static ConnectionDto ToDto(Connection connection) => new(
        connection.Id.Value,
        connection.Operation?.ToWire(),
        connection.SchemaUri.Text,
        connection.AdapterAction,
        connection.TransformerAction,
        connection.FlowId?.Value);
}
