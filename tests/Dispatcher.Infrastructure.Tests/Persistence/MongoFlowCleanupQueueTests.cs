using Dispatcher.Application.Abstractions;
using Dispatcher.Infrastructure.Persistence.Mongo;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>
/// The flow cleanup queue contract against a real MongoDB server (<c>DISPATCHER_MONGODB</c>), a database per test;
/// skipped without the variable. What needs no server is covered by <see cref="MongoWorkFilterTests"/>.
/// </summary>
[TestFixture]
public sealed class MongoFlowCleanupQueueTests : FlowCleanupQueueContract
{
    private IMongoDatabase? _database;

    protected override async Task<IFlowCleanupQueue> CreateQueueAsync()
    {
        _database = MongoTestDatabase.CreateOrIgnore("flow cleanup queue contract");
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

        return new MongoFlowCleanupQueue(_database);
    }

    [TearDown]
    public Task DropDatabaseAsync()
    {
        var database = _database;
        _database = null;
        return MongoTestDatabase.DropAsync(database);
    }

    [Test]
    public async Task The_due_index_exists()
    {
        using var cursor = await _database!.GetCollection<BsonDocument>(MongoFlowCleanupQueue.CollectionName).Indexes.ListAsync();
        var keys = (await cursor.ToListAsync()).Select(i => i["key"].AsBsonDocument.ToJson()).ToList();

        keys.Should().Contain("""{ "nextAttemptAt" : 1, "_id" : 1 }""");
    }

    [Test]
    public async Task An_entry_is_a_document_keyed_by_the_flow_id_with_BSON_dates()
    {
        await Queue.AddAsync([Pending("flow-1")], CancellationToken.None);

        var stored = await _database!.GetCollection<BsonDocument>(MongoFlowCleanupQueue.CollectionName)
            .Find(FilterDefinition<BsonDocument>.Empty).SingleAsync();

        stored.Names.Should().Equal("_id", "tenant", "configurationId", "createdAt", "attempts", "nextAttemptAt");
        stored["_id"].Should().Be(new BsonString("flow-1"));
        stored["configurationId"].Should().Be(new BsonObjectId(ObjectId.Parse("65f0000000000000000000a1")));
        stored["nextAttemptAt"].Should().Be(new BsonDateTime(T0.UtcDateTime));
    }
}
