using Dispatcher.Application.Ports;
using Dispatcher.Infrastructure.Persistence.Mongo;
using Dispatcher.TestSupport.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>
/// The lease store contract against a real MongoDB server (<c>DISPATCHER_MONGODB</c>), a database per test; skipped
/// without the variable. The concurrent-takers case exercises the duplicate-key path of the upsert. What needs no
/// server is covered by <see cref="MongoWorkFilterTests"/>.
/// </summary>
[TestFixture]
public sealed class MongoLeaseStoreTests : LeaseStoreContract
{
    private MongoTestDatabase? _mongo;

    protected override async Task<ILeaseStore> CreateStoreAsync(TimeProvider time)
    {
        _mongo = await MongoTestDatabase.CreateOrIgnoreAsync("lease store contract");
        return new MongoLeaseStore(_mongo.Database, time);
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

    [Test]
    public async Task The_lease_is_a_document_keyed_by_its_name()
    {
        await Leases.TryAcquireAsync(Lease, "instance-a", TimeSpan.FromMinutes(1), CancellationToken.None);

        var stored = await _mongo!.Database.GetCollection<BsonDocument>(MongoLeaseStore.CollectionName)
            .Find(FilterDefinition<BsonDocument>.Empty).SingleAsync();

        var expected = new BsonDocument
        {
            { "_id", Lease },
            { "holder", "instance-a" },
            { "expiresAt", new BsonDateTime(Time.GetUtcNow().AddMinutes(1).UtcDateTime) },
        };
        stored.ToJson().Should().Be(expected.ToJson());
    }
}
