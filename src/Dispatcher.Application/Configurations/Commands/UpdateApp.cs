using Dispatcher.Application.Abstractions;
using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.Validation;
using Mediator;

namespace Dispatcher.Application.Configurations.Commands;

/// <summary>
/// Changes one app partially (e.g. toggles a side). The flow consequences follow: a side switched on gets flows
/// for its connections, a side switched off has its flows stopped (kept), removed or redefined connections lose
/// their flows.
/// </summary>
public sealed record UpdateApp(Caller Caller, string Id, string AppId, AppPatch Patch) : ICommand<ConfigurationChangeResult>;

public sealed class UpdateAppHandler(
    IConfigurationRepository repository, ConfigurationWriter writer, ConfigurationLimits limits, TimeProvider timeProvider)
    : ICommandHandler<UpdateApp, ConfigurationChangeResult>
{
    public async ValueTask<ConfigurationChangeResult> Handle(UpdateApp command, CancellationToken cancellationToken)
    {
        var configuration = await repository.LoadAsync(command.Caller, command.Id, cancellationToken);
        var app = configuration.RequireApp(command.AppId);
        configuration.ReplaceApp(AppAssembler.Patch(app, command.Patch), timeProvider.GetUtcNow());
        limits.Ensure(configuration);
        return await writer.SaveAsync(configuration, command.Caller.Flows, cancellationToken);
    }
}
