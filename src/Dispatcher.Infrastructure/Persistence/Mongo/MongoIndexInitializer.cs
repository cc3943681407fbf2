using Dispatcher.Infrastructure.Persistence.Documents;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Persistence.Mongo;

/// <summary>
/// Creates the collection's indexes at start-up (idempotent). It is also the first contact with the server, so an
/// unreachable or misconfigured MongoDB fails the start instead of the first request.
/// </summary>
internal sealed class MongoIndexInitializer(IMongoDatabase database, ILogger<MongoIndexInitializer> logger) : IHostedService
{
    /// <summary>The indexes: tenant queries, and the source-flow lookup of event routing.</summary>
    public static IReadOnlyList<CreateIndexModel<ConfigurationDocument>> Indexes { get; } =
    [
        new(Builders<ConfigurationDocument>.IndexKeys.Ascending(d => d.Tenant)),
        new(Builders<ConfigurationDocument>.IndexKeys.Ascending(ConfigurationFilters.SourceFlowPath)),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await MongoConfigurationRepository.Collection(database).Indexes.CreateManyAsync(Indexes, cancellationToken);
        await MongoConfigurationRepository.Collection(database).Indexes.CreateManyAsync(MongoFlowWork.ConfigurationIndexes, cancellationToken);
        await MongoFlowWorkQueue.Collection(database).Indexes.CreateManyAsync(MongoFlowWork.StandaloneIndexes, cancellationToken);
        logger.LogInformation(
            "Configurations are stored in MongoDB database {Database}, collection {Collection}",
            database.DatabaseNamespace.DatabaseName, MongoConfigurationRepository.CollectionName);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
