using Dispatcher.Infrastructure.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>A <see cref="SqliteDatabase"/> over a new file in its own temporary directory, deleted on dispose.</summary>
internal sealed class TemporarySqliteDatabase : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"dispatcher-sqlite-{Guid.NewGuid():N}");

    public TemporarySqliteDatabase() =>
        Database = new SqliteDatabase(new SqliteStorageOptions { Path = Path.Combine(_directory, "test.db") });

    /// <summary>The database; the file and schema are created on first use.</summary>
    public SqliteDatabase Database { get; }

    /// <summary>Another <see cref="SqliteDatabase"/> over the same file, as a second service instance would open it.</summary>
    public SqliteDatabase OpenSecond() => new(new SqliteStorageOptions { Path = Database.FilePath });

    /// <summary>The first column of the first row of <paramref name="sql"/>, over an unpooled connection.</summary>
    public async Task<string?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Database.FilePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    public void Dispose()
    {
        Database.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
