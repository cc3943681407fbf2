using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.Shared;
using Mediator;

namespace Dispatcher.Application.Configurations.CreateConfiguration;

/// <summary>Stores a new configuration and provisions a flow for each connection of each active side.</summary>
public sealed record CreateConfiguration(Caller Caller, ConfigurationInput Input) : ICommand<ConfigurationChangeResult>;
