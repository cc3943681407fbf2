using Microsoft.Data.Sqlite;

namespace Dispatcher.Infrastructure.Tests.FlowRegistry;

/// <summary>A unique SQLite file name in the temp folder; disposing deletes the file and its WAL companions.</summary>
internal sealed class TemporaryDatabaseFile : IDisposable
{
    public string Path { get; } =
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"dispatcher-flows-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        // Pooled connections keep the file open; close them before deleting it.
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { Path, Path + "-wal", Path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
