using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Dispatcher.Infrastructure.Persistence.Sqlite;

/// <summary>How commits reach the disk (SQLite's <c>synchronous</c>, with the file in WAL mode).</summary>
internal enum SqliteCommitDurability
{
    /// <summary><c>FULL</c>: a commit survives a power loss.</summary>
    Full,

    /// <summary><c>NORMAL</c>: a commit survives the process dying; a power loss may roll back the last ones.</summary>
    Normal,
}

/// <summary>
/// The one way this service opens a SQLite file: pooled connections, each with the busy timeout and commit
/// durability set (both are per connection, and a pooled connection may be new), the folder created first, and the
/// file switched to WAL mode by the schema of whoever creates it.
/// </summary>
internal sealed class SqliteFile
{
    /// <summary>How long a statement waits for another writer's lock unless configured otherwise.</summary>
    public const int DefaultBusyTimeoutMilliseconds = 5000;

    private readonly string _connectionString;
    private readonly string _pragmas;

    public SqliteFile(string path, int busyTimeoutMilliseconds, SqliteCommitDurability durability, bool foreignKeys)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = foreignKeys,
        }.ToString();
        _pragmas = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {busyTimeoutMilliseconds}; PRAGMA synchronous = {(durability == SqliteCommitDurability.Full ? "FULL" : "NORMAL")};");
    }

    public string Path { get; }

    public void CreateDirectory()
    {
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }
    }

    /// <summary>An open connection; the caller disposes it (back to the pool).</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Releases the pooled connections to the file (so it can be deleted).</summary>
    public void ClearPool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
