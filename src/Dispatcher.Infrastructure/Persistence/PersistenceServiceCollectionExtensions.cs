using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatcher.Infrastructure.Persistence;

/// <summary>Registers the configuration store chosen by configuration.</summary>
internal static class PersistenceServiceCollectionExtensions
{
    // Placeholder: replaced by the SQLite / MongoDB registration.
    public static IServiceCollection AddPersistence(this IServiceCollection services, IConfiguration configuration) => services;
}
