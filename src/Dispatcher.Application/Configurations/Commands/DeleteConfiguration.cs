using Dispatcher.Application.Abstractions;
using Dispatcher.Application.Configurations.Provisioning;
using Mediator;

namespace Dispatcher.Application.Configurations.Commands;

/// <summary>Deletes a configuration; its flows are removed by the flow work runner (see <see cref="ConfigurationWriter"/>).</summary>
public sealed record DeleteConfiguration(Caller Caller, string Id) : ICommand<ConfigurationChangeResult>;

public sealed class DeleteConfigurationHandler(IConfigurationRepository repository, ConfigurationWriter writer)
    : ICommandHandler<DeleteConfiguration, ConfigurationChangeResult>
{
    public async ValueTask<ConfigurationChangeResult> Handle(DeleteConfiguration command, CancellationToken cancellationToken)
    {
        var configuration = await repository.LoadAsync(command.Caller, command.Id, cancellationToken);
        return await writer.DeleteAsync(configuration, cancellationToken);
    }
}
