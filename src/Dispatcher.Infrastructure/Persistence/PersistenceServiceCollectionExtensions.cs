using Dispatcher.Application.Ports;
using Dispatcher.Infrastructure.Persistence.Mongo;
using Dispatcher.Infrastructure.Persistence.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Persistence;

/// <summary>
/// Registers the configuration store, the flow work queue and the lease store: MongoDB when
/// <c>Storage:MongoDb:ConnectionString</c> is set, else the embedded SQLite file (see ADR 0003). The schema or
/// indexes are created by a hosted service at start-up.
/// </summary>
internal static class PersistenceServiceCollectionExtensions
{
    public static IServiceCollection AddPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var mongo = configuration.GetSection(MongoStorageOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        return string.IsNullOrWhiteSpace(mongo[nameof(MongoStorageOptions.ConnectionString)])
            ? services.AddSqliteStore(configuration.GetSection(SqliteStorageOptions.SectionName))
            : services.AddMongoStore(mongo);
    }

    private static IServiceCollection AddSqliteStore(this IServiceCollection services, IConfigurationSection section)
    {
        services.AddOptions<SqliteStorageOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<IOptions<SqliteStorageOptions>>().Value));
        services.AddSingleton<IConfigurationRepository, SqliteConfigurationRepository>();
        services.AddSingleton<IFlowWorkQueue, SqliteFlowWorkQueue>();
        services.AddSingleton<ILeaseStore, SqliteLeaseStore>();
        services.AddHostedService<SqliteSchemaInitializer>();
        return services;
    }

    private static IServiceCollection AddMongoStore(this IServiceCollection services, IConfigurationSection section)
    {
        services.AddOptions<MongoStorageOptions>()
            .Bind(section)
            .ValidateDataAnnotations()
            .Validate(o => o.HasValidConnectionString(), $"{MongoStorageOptions.SectionName}:ConnectionString is not a valid MongoDB connection string.")
            .ValidateOnStart();
        // One client per process: it owns the connection pools and server monitoring.
        services.TryAddSingleton<IMongoClient>(sp =>
            new MongoClient(sp.GetRequiredService<IOptions<MongoStorageOptions>>().Value.ConnectionString));
        services.TryAddSingleton(sp => sp.GetRequiredService<IMongoClient>()
            .GetDatabase(sp.GetRequiredService<IOptions<MongoStorageOptions>>().Value.ResolveDatabase()));
        services.AddSingleton<IConfigurationRepository, MongoConfigurationRepository>();
        services.AddSingleton<IFlowWorkQueue, MongoFlowWorkQueue>();
        services.AddSingleton<ILeaseStore, MongoLeaseStore>();
        services.AddHostedService<MongoIndexInitializer>();
        return services;
    }
}
