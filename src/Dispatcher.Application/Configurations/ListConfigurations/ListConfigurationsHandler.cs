using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Ports;
using Mediator;

namespace Dispatcher.Application.Configurations.ListConfigurations;

/// <summary>Answers <see cref="ListConfigurations"/>: the tenant's configurations, oldest first.</summary>
public sealed class ListConfigurationsHandler(IConfigurationRepository repository)
    : IQueryHandler<ListConfigurations, IReadOnlyList<ConfigurationDto>>
{
    public async ValueTask<IReadOnlyList<ConfigurationDto>> Handle(ListConfigurations query, CancellationToken cancellationToken) =>
        [.. (await repository.ListAsync(query.Tenant, cancellationToken)).Select(c => c.ToDto())];
}
