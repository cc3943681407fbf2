using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dispatcher.Infrastructure.Persistence.Sqlite;

/// <summary>Creates the SQLite schema at start-up, so an unusable database file fails the start, not a request.</summary>
internal sealed class SqliteSchemaInitializer(SqliteDatabase database, ILogger<SqliteSchemaInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await database.InitializeAsync(cancellationToken);
        await SqliteTable.CreateAsync(database, SqliteLeaseStore.Schema, cancellationToken);
        logger.LogInformation("Configurations are stored in SQLite at {Path}", database.FilePath);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
