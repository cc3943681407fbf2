using System.ComponentModel.DataAnnotations;

namespace Dispatcher.Infrastructure.Persistence.Sqlite;

/// <summary>Settings of the embedded SQLite store (section <c>Storage:Sqlite</c>).</summary>
internal sealed class SqliteStorageOptions
{
    public const string SectionName = "Storage:Sqlite";

    /// <summary>The database file; its directory is created when missing. Must be a file (not <c>:memory:</c>).</summary>
    [Required]
    public string Path { get; set; } = DefaultPath;

    /// <summary>How long a statement waits for another writer's lock before failing.</summary>
    [Range(0, int.MaxValue)]
    public int BusyTimeoutMilliseconds { get; set; } = 5000;

    /// <summary>The per-user default: <c>&lt;LocalApplicationData&gt;/dispatcher/dispatcher.db</c>.</summary>
    public static string DefaultPath =>
        System.IO.Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "dispatcher", "dispatcher.db");
}
