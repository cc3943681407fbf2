using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.Shared;
using Mediator;

namespace Dispatcher.Application.Configurations.AddApps;

/// <summary>Adds one or more apps to a configuration and provisions their flows.</summary>
public sealed record AddApps(Caller Caller, string Id, IReadOnlyList<AppInput?> Apps) : ICommand<ConfigurationChangeResult>;
