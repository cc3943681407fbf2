using Dispatcher.Application.Abstractions;
using Dispatcher.Application.Configurations.Provisioning;
using Mediator;

namespace Dispatcher.Application.Configurations.Commands;

/// <summary>Deletes a configuration, then all its flows.</summary>
public sealed record DeleteConfiguration(Caller Caller, string Id) : ICommand<ConfigurationChangeResult>;

public sealed class DeleteConfigurationHandler(IConfigurationRepository repository, ConfigurationChangeExecutor executor)
    : ICommandHandler<DeleteConfiguration, ConfigurationChangeResult>
{
    public async ValueTask<ConfigurationChangeResult> Handle(DeleteConfiguration command, CancellationToken cancellationToken)
    {
        var configuration = await repository.LoadAsync(command.Caller, command.Id, cancellationToken);
        return await executor.DeleteAsync(configuration, command.Caller.Flows, cancellationToken);
    }
}
