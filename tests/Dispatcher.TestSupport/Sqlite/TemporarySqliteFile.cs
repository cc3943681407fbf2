using Microsoft.Data.Sqlite;

namespace Dispatcher.TestSupport.Sqlite;

/// <summary>
/// A SQLite file name in a new temporary directory of its own (the directory is not created: the code under test
/// creates it, as it must in production). Disposing clears the connection pools that keep the file open and deletes
/// the directory with the file and its write-ahead-log companions.
/// </summary>
public sealed class TemporarySqliteFile : IDisposable
{
    private readonly string _directory =
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"dispatcher-sqlite-{Guid.NewGuid():N}");

    /// <summary>A file named <paramref name="fileName"/>, which may contain sub-directories.</summary>
    public TemporarySqliteFile(string fileName = "test.db") => Path = System.IO.Path.Combine(_directory, fileName);

    /// <summary>The full path of the file.</summary>
    public string Path { get; }

    /// <summary>The first column of the first row of <paramref name="sql"/>, as text, over an unpooled connection.</summary>
    public async Task<string?> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    /// <summary>Runs <paramref name="sql"/> over an unpooled connection, creating the directory first if needed.</summary>
    public async Task ExecuteAsync(string sql)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection($"Data Source={Path};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }
}
