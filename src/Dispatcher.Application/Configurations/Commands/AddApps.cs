using Dispatcher.Application.Abstractions;
using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.Validation;
using Mediator;

namespace Dispatcher.Application.Configurations.Commands;

/// <summary>Adds one or more apps to a configuration and provisions their flows.</summary>
public sealed record AddApps(Caller Caller, string Id, IReadOnlyList<AppInput?> Apps) : ICommand<ConfigurationChangeResult>;

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
            configuration.AddApp(AppAssembler.Build(app, existing: null), now);
        }

        limits.Ensure(configuration);
        return await writer.SaveAsync(configuration, command.Caller.Flows, cancellationToken);
    }
}
