using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Configurations.Shared;
using Dispatcher.Application.Ports;
using Mediator;

namespace Dispatcher.Application.Configurations.GetConfiguration;

/// <summary>Answers <see cref="GetConfiguration"/>: the tenant's configuration or 404.</summary>
public sealed class GetConfigurationHandler(IConfigurationRepository repository) : IQueryHandler<GetConfiguration, ConfigurationDto>
{
    public async ValueTask<ConfigurationDto> Handle(GetConfiguration query, CancellationToken cancellationToken) =>
        (await repository.RequireAsync(query.Tenant, query.Id, cancellationToken)).ToDto();
}
