using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;

namespace Dispatcher.Client;

/// <summary>The service's JSON: camelCase names, enums as names, nulls left out of requests.</summary>
internal static class DispatcherJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static RefitSettings RefitSettings { get; } = new(new SystemTextJsonContentSerializer(Options))
    {
        // A buffered body has a Content-Length (and can be sent again by a retry handler the caller adds).
        RequestBodySerialization = RequestBodySerializationMode.Buffered,
        // Refit's exceptions hold the live request: never let one carry the bearer token into a log.
        ExceptionRedactor = exception => exception.RequestMessage.Headers.Authorization = null,
    };

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            // Absent means "unchanged" in a patch and "default" in a create: never send explicit nulls.
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>The service's success envelope.</summary>
internal sealed record Envelope<T>(EnvelopeMeta? Meta, T Data);

/// <summary>The envelope's meta.</summary>
internal sealed record EnvelopeMeta(IReadOnlyList<string>? PendingCleanup);
