using Dispatcher.Application.Abstractions;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Domain.Configurations;
using Dispatcher.Testing;
using Dispatcher.Infrastructure.Persistence.Mongo;
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
    private const string EnvironmentVariable = "DISPATCHER_MONGODB";

    // One client per process, as in the service.
    private static readonly Lazy<MongoClient?> Client = new(() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } connectionString
            ? new MongoClient(connectionString)
            : null);

    private IMongoDatabase? _database;

    protected override async Task<IConfigurationRepository> CreateRepositoryAsync()
    {
        if (Client.Value is null)
        {
            Assert.Ignore("MongoDB contract tests skipped: set DISPATCHER_MONGODB to a connection string to run them");
        }

        _database = Client.Value!.GetDatabase($"dispatcher_tests_{Guid.NewGuid():N}");
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

        return new MongoConfigurationRepository(_database);
    }

    [TearDown]
    public Task DropDatabaseAsync()
    {
        var database = _database;
        _database = null;
        return database is null
            ? Task.CompletedTask
            : database.Client.DropDatabaseAsync(database.DatabaseNamespace.DatabaseName);
    }

    [Test]
    public async Task The_indexes_exist()
    {
        using var cursor = await _database!.GetCollection<BsonDocument>(MongoConfigurationRepository.CollectionName)
            .Indexes.ListAsync();
        var keys = (await cursor.ToListAsync()).Select(i => i["key"].AsBsonDocument.ToJson()).ToList();

        keys.Should().Contain(["""{ "tenant" : 1 }""", """{ "applications.outbound.flows.flowId" : 1 }"""]);
    }

    [Test]
    public async Task A_document_written_by_the_original_service_loads_as_version_0_and_can_be_updated_once()
    {
        var original = MongoDocumentTests.OriginalServiceDocument();
        await _database!.GetCollection<BsonDocument>(MongoConfigurationRepository.CollectionName).InsertOneAsync(original);
        var tenant = TenantId.Parse("5e9b0c6e5b3b3a0012345678");
        var id = ConfigurationId.Parse(original["_id"].AsObjectId.ToString());

        var first = (await Repository.GetAsync(tenant, id, CancellationToken.None))!;
        var second = (await Repository.GetAsync(tenant, id, CancellationToken.None))!;
        first.ChangeDetails("Taken over", null, DispatchConfigurationBuilder.Now);
        await Repository.UpdateAsync(first, CancellationToken.None);
        var stale = () => Repository.UpdateAsync(second, CancellationToken.None);

        first.Version.Should().Be(1);
        await stale.Should().ThrowAsync<ConcurrencyConflictException>();
        var stored = await _database.GetCollection<BsonDocument>(MongoConfigurationRepository.CollectionName)
            .Find(new BsonDocument("_id", original["_id"])).SingleAsync();
        stored["version"].Should().Be(new BsonInt64(1));
        stored["name"].AsString.Should().Be("Taken over");
        (await Repository.FindBySourceFlowAsync(FlowId.Parse("65f0000000000000000000f1"), CancellationToken.None))!.Id.Should().Be(id);
    }
}
