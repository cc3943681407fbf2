using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Routing;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Mediator;

namespace Dispatcher.Application.Configurations.Preview;

/// <summary>
/// A dry run: what the service would send for <paramref name="Event"/> if it arrived now, computed from the stored
/// configuration by the routing engine events go through (<see cref="IRoutingEngine"/>). Reads only: no flow is
/// started, nothing is published. <see cref="NotFoundException"/> when the configuration is missing or another tenant's.
/// </summary>
public sealed record PreviewDispatch(TenantId Tenant, string ConfigurationId, RecordEvent Event) : IQuery<DispatchPreview>;
