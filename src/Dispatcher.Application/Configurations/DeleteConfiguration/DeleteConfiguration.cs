using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.Shared;
using Mediator;

namespace Dispatcher.Application.Configurations.DeleteConfiguration;

/// <summary>Deletes a configuration; its flows are removed by the flow work runner (see <see cref="ConfigurationWriter"/>).</summary>
public sealed record DeleteConfiguration(Caller Caller, string Id) : ICommand<ConfigurationChangeResult>;
