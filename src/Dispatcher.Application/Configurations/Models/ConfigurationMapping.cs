using System.Text.Json;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Configurations.Models;

/// <summary>
/// The one mapping between the API's shapes and the domain, hand-written (ADR 0002): input → domain (<see cref="ToApp"/>,
/// <see cref="Patch"/>), domain → input (<see cref="ToInput(App)"/>, to apply a partial change) and domain → DTO
/// (<see cref="ToDto(Configuration)"/>).
/// When an app replaces an existing one, its connections are matched to the existing connections by <c>_id</c>, else
/// by <c>flowId</c>; a matched connection keeps its id, and keeps its flow only while the flow is still right for it
/// (same connection definition and same flow-relevant app settings). Flow ids in the input never assign a flow: they
/// are server-owned.
/// </summary>
public static class ConfigurationMapping
{
    /// <summary>The domain app <paramref name="input"/> describes, reusing what it can of <paramref name="existing"/>.</summary>
    internal static App ToApp(AppInput input, App? existing)
    {
        var appId = existing?.Id ?? (AppId.TryParse(input.Id, out var given) ? given : AppId.New());
        var fields = input.Fields is { } element ? AppFields.FromElement(element) : AppFields.Empty;
        var applicationUid = ApplicationUid.Parse(input.ApplicationUid);
        var flowSettingsUnchanged = existing is not null
            && existing.ApplicationUid == applicationUid
            && existing.ApplicationName == input.ApplicationName?.Trim()
            && existing.AdapterComponentId == Blank(input.AdapterComponentId)
            && existing.SecretId == Blank(input.SecretId)
            && existing.Fields.Equals(fields);

        return App.Create(
            appId,
            applicationUid,
            input.ApplicationName,
            Side(Direction.Outbound, input.Outbound, existing, flowSettingsUnchanged),
            Side(Direction.Inbound, input.Inbound, existing, flowSettingsUnchanged),
            input.AdapterComponentId,
            input.TransformerComponentId,
            input.SecretId,
            fields);
    }

    /// <summary>The input that reproduces <paramref name="app"/> (used to apply a partial change).</summary>
    internal static AppInput ToInput(App app) => new()
    {
        Id = app.Id.Value,
        ApplicationName = app.ApplicationName,
        ApplicationUid = app.ApplicationUid.Value,
        AdapterComponentId = app.AdapterComponentId,
        TransformerComponentId = app.TransformerComponentId,
        SecretId = app.SecretId,
        Fields = app.Fields.IsEmpty ? null : app.Fields.ToElement(),
        Outbound = ToInput(app.Outbound),
        Inbound = ToInput(app.Inbound),
    };

    /// <summary>
    /// <paramref name="app"/> with a partial change applied: given members replace, absent ones stay; a side's
    /// <c>flows</c>, when given, replace its connections (matched to the old ones as in <see cref="ToApp"/>).
    /// </summary>
    internal static App Patch(App app, AppPatch patch)
    {
        var fields = patch.Fields is { ValueKind: not JsonValueKind.Undefined } element ? AppFields.FromElement(element) : app.Fields;
        var applicationUid = patch.ApplicationUid is null ? app.ApplicationUid : ApplicationUid.Parse(patch.ApplicationUid);
        var applicationName = patch.ApplicationName ?? app.ApplicationName;
        var adapterComponentId = patch.AdapterComponentId ?? app.AdapterComponentId;
        var secretId = patch.SecretId ?? app.SecretId;
        var flowSettingsUnchanged = app.ApplicationUid == applicationUid
            && app.ApplicationName == applicationName.Trim()
            && app.AdapterComponentId == Blank(adapterComponentId)
            && app.SecretId == Blank(secretId)
            && app.Fields.Equals(fields);

        return App.Create(
            app.Id,
            applicationUid,
            applicationName,
            PatchSide(app.Outbound, patch.Outbound, app, flowSettingsUnchanged),
            PatchSide(app.Inbound, patch.Inbound, app, flowSettingsUnchanged),
            adapterComponentId,
            patch.TransformerComponentId ?? app.TransformerComponentId,
            secretId,
            fields);
    }

    /// <summary>Parses an operation name (CREATE, UPDATE or DELETE, any case); anything else is null.</summary>
    internal static Operation? ParseOperation(string? value) =>
        OperationNames.TryParse(value, out var operation) ? operation : null;

    private static AppSide PatchSide(AppSide side, SideInput? patch, App existing, bool flowSettingsUnchanged)
    {
        var active = patch?.Active ?? side.Active;
        if (patch?.Flows is { } flows)
        {
            return Side(side.Direction, new SideInput { Active = active, Flows = flows }, existing, flowSettingsUnchanged);
        }

        // A flow embeds the app's settings: when those change, every connection needs a new flow.
        var connections = flowSettingsUnchanged
            ? side.Connections
            : side.Connections.Select(c => Connection.Create(c.Id, c.Direction, c.SchemaUri, c.Operation, c.AdapterAction, c.TransformerAction));
        return AppSide.Create(side.Direction, active, connections);
    }

    private static SideInput ToInput(AppSide side) => new()
    {
        Active = side.Active,
        Flows = [.. side.Connections.Select(c => new ConnectionInput
        {
            Id = c.Id.Value,
            Operation = c.Operation?.ToWire(),
            SchemaUri = c.SchemaUri.Text,
            AdapterAction = c.AdapterAction,
            TransformerAction = c.TransformerAction,
            FlowId = c.FlowId?.Value,
        })],
    };

    private static AppSide Side(Direction direction, SideInput? input, App? existing, bool flowSettingsUnchanged)
    {
        var previous = existing?.Side(direction).Connections ?? [];
        var connections = new List<Connection>();
        foreach (var item in input?.Flows ?? [])
        {
            if (item is null)
            {
                continue;
            }

            var match = previous.FirstOrDefault(c => c.Id.Value == item.Id?.ToLowerInvariant())
                ?? previous.FirstOrDefault(c => item.Id is null && item.FlowId is not null && c.FlowId?.Value == item.FlowId);
            var id = match?.Id ?? (ConnectionId.TryParse(item.Id, out var given) ? given : ConnectionId.New());
            var schemaUri = SchemaUri.Parse(item.SchemaUri);
            var operation = direction == Direction.Inbound ? ParseOperation(item.Operation) : null;
            var candidate = Connection.Create(id, direction, schemaUri, operation, item.AdapterAction, item.TransformerAction);
            var keepFlow = match is { FlowId: not null } && flowSettingsUnchanged && match.HasSameDefinitionAs(candidate);
            connections.Add(keepFlow
                ? Connection.Create(id, direction, schemaUri, operation, item.AdapterAction, item.TransformerAction, match!.FlowId)
                : candidate);
        }

        return AppSide.Create(direction, input?.Active ?? false, connections);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public static ConfigurationDto ToDto(this Configuration configuration) => new(
        configuration.Id.Value,
        configuration.Tenant.Value,
        configuration.Name,
        configuration.DataModel,
        [.. configuration.Apps.Select(ToDto)],
        ToMilliseconds(configuration.CreatedAt),
        ToMilliseconds(configuration.UpdatedAt),
        configuration.Version);

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
