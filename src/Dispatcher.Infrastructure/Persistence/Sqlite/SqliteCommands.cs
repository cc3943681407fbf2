using Microsoft.Data.Sqlite;

namespace Dispatcher.Infrastructure.Persistence.Sqlite;

/// <summary>Commands with named parameters, for the stores of the SQLite file.</summary>
internal static class SqliteCommands
{
    /// <summary>A command on <paramref name="connection"/> (joining its open transaction) with the given parameters.</summary>
    public static SqliteCommand Create(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
