using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Configurations.Models;
using Dispatcher.Domain.Configurations;
using Mediator;

namespace Dispatcher.Application.Configurations.GetConfiguration;

/// <summary>One configuration of the tenant; <see cref="NotFoundException"/> when missing or another tenant's.</summary>
public sealed record GetConfiguration(TenantId Tenant, string Id) : IQuery<ConfigurationDto>;
