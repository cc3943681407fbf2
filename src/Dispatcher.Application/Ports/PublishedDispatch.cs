namespace Dispatcher.Application.Ports;

/// <summary>A dispatch as the embedded mode keeps it.</summary>
/// <param name="RoutingKey">Where it would go on the event bus.</param>
/// <param name="MessageId">Its deterministic message id.</param>
/// <param name="ConfigurationId">The configuration it was routed by.</param>
/// <param name="Body">The exact body the event bus would carry.</param>
/// <param name="PublishedAt">When.</param>
public sealed record PublishedDispatch(string RoutingKey, Guid MessageId, string ConfigurationId, string Body, DateTimeOffset PublishedAt);
