using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.Shared;
using Dispatcher.Application.Ports;
using Mediator;

namespace Dispatcher.Application.Configurations.DeleteConfiguration;

public sealed class DeleteConfigurationHandler(IConfigurationRepository repository, ConfigurationWriter writer)
    : ICommandHandler<DeleteConfiguration, ConfigurationChangeResult>
{
    public async ValueTask<ConfigurationChangeResult> Handle(DeleteConfiguration command, CancellationToken cancellationToken)
    {
        var configuration = await repository.LoadAsync(command.Caller, command.Id, cancellationToken);
        return await writer.DeleteAsync(configuration, cancellationToken);
    }
}
