using Dispatcher.Application.Ports;
using Dispatcher.Infrastructure.Persistence;
using Dispatcher.Infrastructure.Persistence.Mongo;
using Dispatcher.Infrastructure.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>The flow cleanup queue and the lease store are registered with the configuration store they share.</summary>
public sealed class WorkStoreRegistrationTests
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
    public async Task Without_a_MongoDB_connection_string_both_are_SQLite_and_their_tables_are_created_at_start()
    {
        var path = Path.Combine(_directory, "dispatcher.db");
        await using var provider = Build(new() { ["Storage:Sqlite:Path"] = path });

        provider.GetRequiredService<IFlowWorkQueue>().Should().BeOfType<SqliteFlowWorkQueue>()
            .And.BeSameAs(provider.GetRequiredService<IFlowWorkQueue>());
        provider.GetRequiredService<ILeaseStore>().Should().BeOfType<SqliteLeaseStore>();
        provider.GetRequiredService<TimeProvider>().Should().BeSameAs(TimeProvider.System);
        await provider.GetServices<IHostedService>().OfType<SqliteSchemaInitializer>().Single().StartAsync(CancellationToken.None);

        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)";
        (await command.ExecuteScalarAsync()).Should().Be("configuration_sources,configurations,flow_work,leases");
    }

    [Test]
    public async Task A_MongoDB_connection_string_makes_both_MongoDB()
    {
        await using var provider = Build(new() { ["Storage:MongoDb:ConnectionString"] = "mongodb://localhost:27017/oih-dispatcher" });

        provider.GetRequiredService<IFlowWorkQueue>().Should().BeOfType<MongoFlowWorkQueue>();
        provider.GetRequiredService<ILeaseStore>().Should().BeOfType<MongoLeaseStore>();
    }

    [Test]
    public async Task A_time_provider_registered_before_is_kept()
    {
        var time = new FakeTimeProvider();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Sqlite:Path"] = Path.Combine(_directory, "d.db") })
            .Build();
        await using var provider = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(time)
            .AddPersistence(configuration).BuildServiceProvider();

        provider.GetRequiredService<TimeProvider>().Should().BeSameAs(time);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddPersistence(configuration).BuildServiceProvider();
    }
}
