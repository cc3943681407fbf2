using Dispatcher.Application.Ports;
using Dispatcher.Infrastructure.Persistence.Mongo;
using Dispatcher.TestSupport.Mongo;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>
/// The flow work queue contract against a real MongoDB server (<c>DISPATCHER_MONGODB</c>), a database per test;
/// skipped without the variable. What needs no server is covered by <see cref="MongoWorkFilterTests"/>.
/// </summary>
[TestFixture]
public sealed class MongoFlowWorkQueueTests : FlowWorkQueueContract
{
    private MongoTestDatabase? _mongo;

    protected override async Task<(IFlowWorkQueue Queue, IConfigurationRepository Repository)> CreateStoreAsync()
    {
        _mongo = await MongoTestDatabase.CreateOrIgnoreAsync("flow work queue contract", database =>
            new MongoIndexInitializer(database, NullLogger<MongoIndexInitializer>.Instance).StartAsync(CancellationToken.None));
        return (new MongoFlowWorkQueue(_mongo.Database), new MongoConfigurationRepository(_mongo.Database));
    }

    [TearDown]
    public async Task DropDatabaseAsync()
    {
        if (_mongo is not null)
        {
            await _mongo.DisposeAsync();
            _mongo = null;
        }
    }
}
