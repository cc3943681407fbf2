using Dispatcher.Application.Abstractions;
using Dispatcher.Infrastructure.Persistence.Mongo;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>
/// The flow work queue contract against a real MongoDB server (<c>DISPATCHER_MONGODB</c>), a database per test;
/// skipped without the variable. What needs no server is covered by <see cref="MongoWorkFilterTests"/>.
/// </summary>
[TestFixture]
public sealed class MongoFlowWorkQueueTests : FlowWorkQueueContract
{
    private IMongoDatabase? _database;

    protected override async Task<(IFlowWorkQueue Queue, IConfigurationRepository Repository)> CreateStoreAsync()
    {
        _database = MongoTestDatabase.CreateOrIgnore("flow work queue contract");
        try
        {
            await new MongoIndexInitializer(_database, NullLogger<MongoIndexInitializer>.Instance).StartAsync(CancellationToken.None);
        }
        catch
        {
            // The tear-down does not run when the set-up fails.
            await DropDatabaseAsync();
            throw;
        }

        return (new MongoFlowWorkQueue(_database), new MongoConfigurationRepository(_database));
    }

    [TearDown]
    public Task DropDatabaseAsync()
    {
        var database = _database;
        _database = null;
        return MongoTestDatabase.DropAsync(database);
    }
}
