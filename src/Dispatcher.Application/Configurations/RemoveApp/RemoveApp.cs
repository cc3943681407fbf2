using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.Shared;
using Mediator;

namespace Dispatcher.Application.Configurations.RemoveApp;

/// <summary>Removes one app from a configuration, then its flows.</summary>
public sealed record RemoveApp(Caller Caller, string Id, string AppId) : ICommand<ConfigurationChangeResult>;
