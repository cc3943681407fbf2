using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.Shared;
using Mediator;

namespace Dispatcher.Application.Configurations.UpdateApp;

/// <summary>
/// Changes one app partially (e.g. toggles a side). The flow consequences follow: a side switched on gets flows
/// for its connections, a side switched off has its flows stopped (kept), removed or redefined connections lose
/// their flows.
/// </summary>
public sealed record UpdateApp(Caller Caller, string Id, string AppId, AppPatch Patch) : ICommand<ConfigurationChangeResult>;
