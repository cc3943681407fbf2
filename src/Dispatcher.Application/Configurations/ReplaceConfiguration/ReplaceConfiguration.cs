using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.Shared;
using Mediator;

namespace Dispatcher.Application.Configurations.ReplaceConfiguration;

/// <summary>
/// Replaces name, data model and apps (the original's <c>PATCH /dispatches/{id}</c>). Apps and connections sent back
/// with their <c>_id</c> keep their flows; new connections get flows; removed ones lose theirs. The id written is
/// always the path id and the tenant the caller's, whatever the body says.
/// </summary>
public sealed record ReplaceConfiguration(Caller Caller, string Id, ConfigurationInput Input) : ICommand<ConfigurationChangeResult>;
