using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.Validation;
using Dispatcher.Domain.Configurations;
using Mediator;

namespace Dispatcher.Application.Configurations.CreateConfiguration;

public sealed class CreateConfigurationHandler(ConfigurationWriter writer, ConfigurationLimits limits, TimeProvider timeProvider)
    : ICommandHandler<CreateConfiguration, ConfigurationChangeResult>
{
    public async ValueTask<ConfigurationChangeResult> Handle(CreateConfiguration command, CancellationToken cancellationToken)
    {
        var input = command.Input;
        var configuration = Configuration.Create(
            ConfigurationId.New(),
            command.Caller.Tenant,
            input.Name,
            input.DataModel,
            (input.Applications ?? []).OfType<AppInput>().Select(app => ConfigurationMapping.ToApp(app, existing: null)),
            timeProvider.GetUtcNow());
        limits.Ensure(configuration);
        return await writer.SaveAsync(configuration, command.Caller.Flows, cancellationToken);
    }
}
