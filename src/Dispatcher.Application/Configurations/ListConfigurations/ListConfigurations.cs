using Dispatcher.Application.Configurations.Models;
using Dispatcher.Domain.Configurations;
using Mediator;

namespace Dispatcher.Application.Configurations.ListConfigurations;

/// <summary>The tenant's configurations, oldest first.</summary>
public sealed record ListConfigurations(TenantId Tenant) : IQuery<IReadOnlyList<ConfigurationDto>>;
