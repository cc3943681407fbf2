using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.Shared;
using Dispatcher.Application.Configurations.Validation;
using Dispatcher.Application.Ports;
using Mediator;

namespace Dispatcher.Application.Configurations.AddApps;

public sealed class AddAppsHandler(
    IConfigurationRepository repository, ConfigurationWriter writer, ConfigurationLimits limits, TimeProvider timeProvider)
    : ICommandHandler<AddApps, ConfigurationChangeResult>
{
    public async ValueTask<ConfigurationChangeResult> Handle(AddApps command, CancellationToken cancellationToken)
    {
        var configuration = await repository.LoadAsync(command.Caller, command.Id, cancellationToken);
        var now = timeProvider.GetUtcNow();
        foreach (var app in command.Apps.OfType<AppInput>())
        {
            configuration.AddApp(ConfigurationMapping.ToApp(app, existing: null), now);
        }

        limits.Ensure(configuration);
        return await writer.SaveAsync(configuration, command.Caller.Flows, cancellationToken);
    }
}
