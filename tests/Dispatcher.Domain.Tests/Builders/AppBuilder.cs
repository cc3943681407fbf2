using Dispatcher.Domain.Configurations;

namespace Dispatcher.Domain.Tests.Builders;

/// <summary>Fluent builder for apps in tests: <c>new AppBuilder("wice").Outbound(Person, "wice-out").Build()</c>.</summary>
public sealed class AppBuilder(string applicationUid, string? name = null)
{
    private readonly List<Connection> _outbound = [];
    private readonly List<Connection> _inbound = [];
    private bool _outboundActive = true;
    private bool _inboundActive = true;
    private AppId _id = AppId.New();

    public AppBuilder WithId(AppId id)
    {
        _id = id;
        return this;
    }

    public AppBuilder Outbound(string schemaUri, string? flowId = null, string? adapterAction = "getObjects")
    {
        _outbound.Add(Connection.Outbound(
            ConnectionId.New(), SchemaUri.Parse(schemaUri), adapterAction, flowId: flowId is null ? null : FlowId.Parse(flowId)));
        return this;
    }

    public AppBuilder Inbound(string schemaUri, Operation operation, string? flowId = null, string? adapterAction = null)
    {
        _inbound.Add(Connection.Inbound(
            ConnectionId.New(), SchemaUri.Parse(schemaUri), operation, adapterAction ?? $"upsert{operation}",
            flowId: flowId is null ? null : FlowId.Parse(flowId)));
        return this;
    }

    public AppBuilder OutboundInactive()
    {
        _outboundActive = false;
        return this;
    }

    public AppBuilder InboundInactive()
    {
        _inboundActive = false;
        return this;
    }

    public App Build() => App.Create(
        _id,
        ApplicationUid.Parse(applicationUid),
        name ?? applicationUid,
        AppSide.Create(Direction.Outbound, _outboundActive, _outbound),
        AppSide.Create(Direction.Inbound, _inboundActive, _inbound),
        adapterComponentId: "5d2484d2a422ca001bda5690");
}
