using Dispatcher.Application.Ports;
using Dispatcher.Infrastructure.Persistence;
using Dispatcher.Infrastructure.Persistence.Mongo;
using Dispatcher.Infrastructure.Persistence.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Tests.Persistence;

public sealed class PersistenceRegistrationTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Path.Combine(Path.GetTempPath(), $"dispatcher-persistence-{Guid.NewGuid():N}");

    [TearDown]
    public void DeleteDirectory()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Test]
    public async Task Without_a_MongoDB_connection_string_SQLite_is_used_and_its_schema_is_created_at_start()
    {
        var path = Path.Combine(_directory, "store", "dispatcher.db");
        await using var provider = Build(new() { ["Storage:Sqlite:Path"] = path });

        provider.GetRequiredService<IConfigurationRepository>().Should().BeOfType<SqliteConfigurationRepository>();
        var initializer = provider.GetServices<IHostedService>().OfType<SqliteSchemaInitializer>().Should().ContainSingle().Subject;
        await initializer.StartAsync(CancellationToken.None);

        File.Exists(path).Should().BeTrue();
        provider.GetRequiredService<SqliteDatabase>().FilePath.Should().Be(path);
    }

    [Test]
    public async Task SQLite_defaults_to_the_per_user_data_folder()
    {
        await using var provider = Build([]);

        provider.GetRequiredService<IOptions<SqliteStorageOptions>>().Value.Path.Should().Be(Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "dispatcher", "dispatcher.db"));
    }

    [Test]
    public async Task An_empty_SQLite_path_fails_validation()
    {
        await using var provider = Build(new() { ["Storage:Sqlite:Path"] = "" });

        var read = () => provider.GetRequiredService<IOptions<SqliteStorageOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().WithMessage("*Path*");
    }

    [Test]
    public async Task A_MongoDB_connection_string_selects_MongoDB_with_one_client_and_the_database_it_names()
    {
        await using var provider = Build(new() { ["Storage:MongoDb:ConnectionString"] = "mongodb://localhost:27017/oih-dispatcher" });

        provider.GetRequiredService<IConfigurationRepository>().Should().BeOfType<MongoConfigurationRepository>();
        provider.GetRequiredService<IMongoClient>().Should().BeSameAs(provider.GetRequiredService<IMongoClient>());
        provider.GetRequiredService<IMongoDatabase>().DatabaseNamespace.DatabaseName.Should().Be("oih-dispatcher");
        provider.GetServices<IHostedService>().OfType<MongoIndexInitializer>().Should().ContainSingle();
        provider.GetServices<IHostedService>().OfType<SqliteSchemaInitializer>().Should().BeEmpty();
    }

    [TestCase("mongodb://localhost:27017", null, "dispatcher")]
    [TestCase("mongodb://localhost:27017/from-url", null, "from-url")]
    [TestCase("mongodb://localhost:27017/from-url", "explicit", "explicit")]
    public async Task The_MongoDB_database_is_the_configured_one_else_the_connection_strings_else_dispatcher(
        string connectionString, string? database, string expected)
    {
        await using var provider = Build(new()
        {
            ["Storage:MongoDb:ConnectionString"] = connectionString,
            ["Storage:MongoDb:Database"] = database,
        });

        provider.GetRequiredService<IMongoDatabase>().DatabaseNamespace.DatabaseName.Should().Be(expected);
    }

    [Test]
    public async Task A_malformed_MongoDB_connection_string_fails_validation()
    {
        await using var provider = Build(new() { ["Storage:MongoDb:ConnectionString"] = "localhost:27017" });

        var read = () => provider.GetRequiredService<IOptions<MongoStorageOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().WithMessage("*not a valid MongoDB connection string*");
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddPersistence(configuration).BuildServiceProvider();
    }
}
