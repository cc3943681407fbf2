using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.Shared;
using Dispatcher.Application.Configurations.Validation;
using Dispatcher.Application.Ports;
using Mediator;

namespace Dispatcher.Application.Configurations.ReplaceConfiguration;

public sealed class ReplaceConfigurationHandler(
    IConfigurationRepository repository, ConfigurationWriter writer, ConfigurationLimits limits, TimeProvider timeProvider)
    : ICommandHandler<ReplaceConfiguration, ConfigurationChangeResult>
{
    public async ValueTask<ConfigurationChangeResult> Handle(ReplaceConfiguration command, CancellationToken cancellationToken)
    {
        var configuration = await repository.LoadAsync(command.Caller, command.Id, cancellationToken);
        var now = timeProvider.GetUtcNow();
        var apps = (command.Input.Applications ?? []).OfType<AppInput>()
            .Select(app => ConfigurationMapping.ToApp(
                app,
                Domain.Configurations.AppId.TryParse(app.Id, out var appId) ? configuration.FindApp(appId) : null))
            .ToList();

        configuration.ChangeDetails(command.Input.Name, command.Input.DataModel, now);
        configuration.ReplaceApps(apps, now);
        limits.Ensure(configuration);
        return await writer.SaveAsync(configuration, command.Caller.Flows, cancellationToken);
    }
}
