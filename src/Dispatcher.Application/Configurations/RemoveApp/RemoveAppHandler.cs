using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.Shared;
using Dispatcher.Application.Ports;
using Mediator;

namespace Dispatcher.Application.Configurations.RemoveApp;

public sealed class RemoveAppHandler(
    IConfigurationRepository repository, ConfigurationWriter writer, TimeProvider timeProvider)
    : ICommandHandler<RemoveApp, ConfigurationChangeResult>
{
    public async ValueTask<ConfigurationChangeResult> Handle(RemoveApp command, CancellationToken cancellationToken)
    {
        var configuration = await repository.LoadAsync(command.Caller, command.Id, cancellationToken);
        var app = configuration.RequireApp(command.AppId);

        configuration.RemoveApp(app.Id, timeProvider.GetUtcNow());
        return await writer.SaveAsync(configuration, command.Caller.Flows, cancellationToken);
    }
}
