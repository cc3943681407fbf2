using Dispatcher.Application.Configurations.Commands;
using Dispatcher.Application.Abstractions;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Configurations.Models;
using Dispatcher.Domain.Configurations;
using Mediator;

namespace Dispatcher.Application.Configurations.Queries;

/// <summary>The tenant's configurations, oldest first.</summary>
public sealed record ListConfigurations(TenantId Tenant) : IQuery<IReadOnlyList<ConfigurationDto>>;

/// <summary>One configuration of the tenant; <see cref="NotFoundException"/> when missing or another tenant's.</summary>
public sealed record GetConfiguration(TenantId Tenant, string Id) : IQuery<ConfigurationDto>;

public sealed class ConfigurationQueryHandlers(IConfigurationRepository repository)
    : IQueryHandler<ListConfigurations, IReadOnlyList<ConfigurationDto>>, IQueryHandler<GetConfiguration, ConfigurationDto>
{
    public async ValueTask<IReadOnlyList<ConfigurationDto>> Handle(ListConfigurations query, CancellationToken cancellationToken) =>
        [.. (await repository.ListAsync(query.Tenant, cancellationToken)).Select(c => c.ToDto())];

    public async ValueTask<ConfigurationDto> Handle(GetConfiguration query, CancellationToken cancellationToken) =>
        (await repository.RequireAsync(query.Tenant, query.Id, cancellationToken)).ToDto();
}
