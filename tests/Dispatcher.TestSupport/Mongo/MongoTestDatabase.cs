using MongoDB.Driver;
using NUnit.Framework;

namespace Dispatcher.TestSupport.Mongo;

/// <summary>
/// A new, empty database on the MongoDB server of the contract tests, named by the environment variable
/// <c>DISPATCHER_MONGODB</c> (a connection string); dropped on dispose. Without the variable the test is ignored
/// (reported as skipped, with the reason).
/// </summary>
public sealed class MongoTestDatabase : IAsyncDisposable
{
    /// <summary>The environment variable that names the server.</summary>
    public const string EnvironmentVariable = "DISPATCHER_MONGODB";

    // One client per process, as in the service.
    private static readonly Lazy<MongoClient?> Client = new(() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } connectionString
            ? new MongoClient(connectionString)
            : null);

    private MongoTestDatabase(IMongoDatabase database) => Database = database;

    /// <summary>The database.</summary>
    public IMongoDatabase Database { get; }

    /// <summary>
    /// A new database, prepared by <paramref name="prepare"/> (indexes, …), which is dropped again if that fails (a
    /// tear-down does not run when the set-up fails). Ignores the test when no server is configured.
    /// </summary>
    /// <param name="suite">Names the tests in the skip reason, e.g. "lease store contract".</param>
    /// <param name="prepare">Run on the new database before it is returned.</param>
    public static async Task<MongoTestDatabase> CreateOrIgnoreAsync(string suite, Func<IMongoDatabase, Task>? prepare = null)
    {
        if (Client.Value is null)
        {
            Assert.Ignore($"MongoDB {suite} tests skipped: set {EnvironmentVariable} to a connection string to run them");
        }

        var database = new MongoTestDatabase(Client.Value!.GetDatabase($"dispatcher_tests_{Guid.NewGuid():N}"));
        if (prepare is not null)
        {
            try
            {
                await prepare(database.Database);
            }
            catch
            {
                await database.DisposeAsync();
                throw;
            }
        }

        return database;
    }

    /// <summary>Drops the database.</summary>
    public async ValueTask DisposeAsync() =>
        await Database.Client.DropDatabaseAsync(Database.DatabaseNamespace.DatabaseName);
}
