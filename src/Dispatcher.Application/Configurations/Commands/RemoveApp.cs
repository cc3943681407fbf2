using Dispatcher.Application.Abstractions;
using Dispatcher.Application.Configurations.Provisioning;
using Mediator;

namespace Dispatcher.Application.Configurations.Commands;

/// <summary>Removes one app from a configuration, then its flows.</summary>
public sealed record RemoveApp(Caller Caller, string Id, string AppId) : ICommand<ConfigurationChangeResult>;

public sealed class RemoveAppHandler(
    IConfigurationRepository repository, ConfigurationChangeExecutor executor, TimeProvider timeProvider)
    : ICommandHandler<RemoveApp, ConfigurationChangeResult>
{
    public async ValueTask<ConfigurationChangeResult> Handle(RemoveApp command, CancellationToken cancellationToken)
    {
        var configuration = await repository.LoadAsync(command.Caller, command.Id, cancellationToken);
        var app = configuration.RequireApp(command.AppId);
        var before = FlowSnapshot.Of(configuration);

        configuration.RemoveApp(app.Id, timeProvider.GetUtcNow());
        return await executor.SaveAsync(configuration, before, command.Caller.Flows, cancellationToken);
    }
}
