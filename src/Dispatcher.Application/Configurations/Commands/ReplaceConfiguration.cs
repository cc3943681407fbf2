using Dispatcher.Application.Abstractions;
using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.Validation;
using Mediator;

namespace Dispatcher.Application.Configurations.Commands;

/// <summary>
/// Replaces name, data model and apps (the original's <c>PATCH /dispatches/{id}</c>). Apps and connections sent back
/// with their <c>_id</c> keep their flows; new connections get flows; removed ones lose theirs. The id written is
/// always the path id and the tenant the caller's, whatever the body says.
/// </summary>
public sealed record ReplaceConfiguration(Caller Caller, string Id, ConfigurationInput Input) : ICommand<ConfigurationChangeResult>;

public sealed class ReplaceConfigurationHandler(
    IConfigurationRepository repository, ConfigurationWriter writer, ConfigurationLimits limits, TimeProvider timeProvider)
    : ICommandHandler<ReplaceConfiguration, ConfigurationChangeResult>
{
    public async ValueTask<ConfigurationChangeResult> Handle(ReplaceConfiguration command, CancellationToken cancellationToken)
    {
        var configuration = await repository.LoadAsync(command.Caller, command.Id, cancellationToken);
        var now = timeProvider.GetUtcNow();
        var apps = (command.Input.Applications ?? []).OfType<AppInput>()
            .Select(app => AppAssembler.Build(
                app,
                Domain.Configurations.AppId.TryParse(app.Id, out var appId) ? configuration.FindApp(appId) : null))
            .ToList();

        configuration.ChangeDetails(command.Input.Name, command.Input.DataModel, now);
        configuration.ReplaceApps(apps, now);
        limits.Ensure(configuration);
        return await writer.SaveAsync(configuration, command.Caller.Flows, cancellationToken);
    }
}
