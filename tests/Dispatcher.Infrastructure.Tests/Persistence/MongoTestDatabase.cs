using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>
/// The MongoDB server of the contract tests, named by the environment variable <c>DISPATCHER_MONGODB</c> (a connection
/// string): a new database per test, dropped afterwards. Without the variable the test is ignored (reported as
/// skipped), as in <see cref="MongoConfigurationRepositoryTests"/>.
/// </summary>
internal static class MongoTestDatabase
{
    private const string EnvironmentVariable = "DISPATCHER_MONGODB";

    // One client per process, as in the service.
    private static readonly Lazy<MongoClient?> Client = new(() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } connectionString
            ? new MongoClient(connectionString)
            : null);

    /// <summary>A new, empty database; ignores the test when no server is configured.</summary>
    public static IMongoDatabase CreateOrIgnore(string suite)
    {
        if (Client.Value is null)
        {
            Assert.Ignore($"MongoDB {suite} tests skipped: set {EnvironmentVariable} to a connection string to run them");
        }

        return Client.Value!.GetDatabase($"dispatcher_tests_{Guid.NewGuid():N}");
    }

    /// <summary>Drops <paramref name="database"/> unless it is null.</summary>
    public static Task DropAsync(IMongoDatabase? database) =>
        database is null
            ? Task.CompletedTask
            : database.Client.DropDatabaseAsync(database.DatabaseNamespace.DatabaseName);
}
