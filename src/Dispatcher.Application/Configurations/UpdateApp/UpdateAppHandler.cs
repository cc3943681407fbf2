using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.Shared;
using Dispatcher.Application.Configurations.Validation;
using Dispatcher.Application.Ports;
using Mediator;

namespace Dispatcher.Application.Configurations.UpdateApp;

public sealed class UpdateAppHandler(
    IConfigurationRepository repository, ConfigurationWriter writer, ConfigurationLimits limits, TimeProvider timeProvider)
    : ICommandHandler<UpdateApp, ConfigurationChangeResult>
{
    public async ValueTask<ConfigurationChangeResult> Handle(UpdateApp command, CancellationToken cancellationToken)
    {
        var configuration = await repository.LoadAsync(command.Caller, command.Id, cancellationToken);
        var app = configuration.RequireApp(command.AppId);
        configuration.ReplaceApp(ConfigurationMapping.Patch(app, command.Patch), timeProvider.GetUtcNow());
        limits.Ensure(configuration);
        return await writer.SaveAsync(configuration, command.Caller.Flows, cancellationToken);
    }
}
