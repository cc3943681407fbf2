using System.ComponentModel.DataAnnotations;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Persistence.Mongo;

/// <summary>Settings of the MongoDB store (section <c>Storage:MongoDb</c>); setting the connection string selects it.</summary>
internal sealed class MongoStorageOptions
{
    public const string SectionName = "Storage:MongoDb";

    /// <summary>The database used when neither <see cref="Database"/> nor the connection string names one.</summary>
    public const string DefaultDatabase = "dispatcher";

    /// <summary>A <c>mongodb://</c> or <c>mongodb+srv://</c> connection string.</summary>
    [Required]
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The database; defaults to the one in the connection string, else <see cref="DefaultDatabase"/>.</summary>
    public string? Database { get; set; }

    public string ResolveDatabase() =>
        !string.IsNullOrWhiteSpace(Database) ? Database
        : MongoUrl.Create(ConnectionString).DatabaseName is { Length: > 0 } fromUrl ? fromUrl
        : DefaultDatabase;

    /// <summary>True when <see cref="ConnectionString"/> parses (no server is contacted).</summary>
    public bool HasValidConnectionString()
    {
        try
        {
            _ = MongoUrl.Create(ConnectionString);
            return true;
        }
        catch (MongoConfigurationException)
        {
            return false;
        }
    }
}
