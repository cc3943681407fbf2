using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Persistence.Mongo;
using Dispatcher.TestSupport.Mongo;
using Dispatcher.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>
/// The contract against a real MongoDB server, named by the environment variable <c>DISPATCHER_MONGODB</c> (a
/// connection string). Each test uses its own database, dropped afterwards. Without the variable every test is
/// reported as skipped; what needs no server is covered by <see cref="MongoDocumentTests"/> and
/// <see cref="MongoFilterTests"/>.
/// </summary>
[TestFixture]
public sealed class MongoConfigurationRepositoryTests : ConfigurationRepositoryContract
{
    private MongoTestDatabase? _mongo;

    private IMongoDatabase Database => _mongo!.Database;

    protected override async Task<IConfigurationRepository> CreateRepositoryAsync()
    {
        _mongo = await MongoTestDatabase.CreateOrIgnoreAsync("configuration repository contract", database =>
            new MongoIndexInitializer(database, NullLogger<MongoIndexInitializer>.Instance).StartAsync(CancellationToken.None));
        return new MongoConfigurationRepository(_mongo.Database);
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
    public async Task The_indexes_exist()
    {
        using var cursor = await Database.GetCollection<BsonDocument>(MongoConfigurationRepository.CollectionName)
            .Indexes.ListAsync();
        var keys = (await cursor.ToListAsync()).Select(i => i["key"].AsBsonDocument.ToJson()).ToList();

        keys.Should().Contain(["""{ "tenant" : 1 }""", """{ "applications.outbound.flows.flowId" : 1 }"""]);
    }

    [Test]
    public async Task A_document_written_by_the_original_service_loads_as_version_0_and_can_be_updated_once()
    {
        var original = MongoDocumentTests.OriginalServiceDocument();
        await Database.GetCollection<BsonDocument>(MongoConfigurationRepository.CollectionName).InsertOneAsync(original);
        var tenant = TenantId.Parse("5e9b0c6e5b3b3a0012345678");
        var id = ConfigurationId.Parse(original["_id"].AsObjectId.ToString());

        var first = (await Repository.GetAsync(tenant, id, CancellationToken.None))!;
        var second = (await Repository.GetAsync(tenant, id, CancellationToken.None))!;
        first.ChangeDetails("Taken over", null, DispatchConfigurationBuilder.Now);
        await Repository.UpdateAsync(first, CancellationToken.None);
        var stale = () => Repository.UpdateAsync(second, CancellationToken.None);

        first.Version.Should().Be(1);
        await stale.Should().ThrowAsync<ConcurrencyConflictException>();
        var stored = await Database.GetCollection<BsonDocument>(MongoConfigurationRepository.CollectionName)
            .Find(new BsonDocument("_id", original["_id"])).SingleAsync();
        stored["version"].Should().Be(new BsonInt64(1));
        stored["name"].AsString.Should().Be("Taken over");
        (await Repository.FindBySourceFlowAsync(FlowId.Parse("65f0000000000000000000f1"), CancellationToken.None))!.Id.Should().Be(id);
    }
}
