using Dispatcher.Application.Configurations.Shared;
using Dispatcher.Application.Ports;
using Dispatcher.Application.Routing;
using Mediator;

namespace Dispatcher.Application.Configurations.Preview;

public sealed class PreviewDispatchHandler(IConfigurationRepository repository, IRoutingEngine routing)
    : IQueryHandler<PreviewDispatch, DispatchPreview>
{
    public async ValueTask<DispatchPreview> Handle(PreviewDispatch query, CancellationToken cancellationToken)
    {
        var configuration = await repository.RequireAsync(query.Tenant, query.ConfigurationId, cancellationToken);
        return DispatchPreviewer.Preview(routing, configuration, query.Event);
    }
}
