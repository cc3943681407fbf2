using System.Diagnostics;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Dispatching.DispatchRecordEvent;
using Mediator;

namespace Dispatcher.Api.Telemetry;

/// <summary>
/// Gives every application command and query a span (named after the message type, a child of the HTTP request or of
/// MassTransit's consume span) and a log scope naming it; for record events the scope also carries the correlation id,
/// the event's identity and its source flow, so every log line written while handling an event can be found by them.
/// Nothing from the message body goes into tags or scopes beyond those ids.
/// </summary>
public sealed class TracingBehaviour<TMessage, TResponse>(ILogger<TracingBehaviour<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly string Name = typeof(TMessage).Name;

    public async ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(Scope(message));
        using var activity = DispatcherActivities.Source.StartActivity(Name);
        activity?.SetTag("dispatcher.message", Name);
        if (message is DispatchRecordEvent dispatch)
        {
            activity?.SetTag(DispatcherActivities.CorrelationTag, dispatch.CorrelationId);
        }

        try
        {
            return await next(message, cancellationToken);
        }
        catch (Exception e)
        {
            // The type only: exception messages can quote input.
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            activity?.SetTag("exception.type", e.GetType().FullName);
            throw;
        }
    }

    private static Dictionary<string, object?> Scope(TMessage message) => message switch
    {
        DispatchRecordEvent dispatch => new()
        {
            ["Message"] = Name,
            ["CorrelationId"] = dispatch.CorrelationId,
            ["EventId"] = dispatch.EventIdentity,
            ["SourceFlowId"] = dispatch.Event.SourceFlowId.Value,
            ["Operation"] = dispatch.Event.Operation.ToString().ToUpperInvariant(),
        },
        _ => new() { ["Message"] = Name },
    };
}
