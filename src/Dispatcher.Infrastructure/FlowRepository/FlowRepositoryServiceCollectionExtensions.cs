using Dispatcher.Application.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Refit;

namespace Dispatcher.Infrastructure.FlowRepository;

internal static class FlowRepositoryServiceCollectionExtensions
{
    // Refit keeps an error body in the exception it builds; the repository's errors are short.
    private const int MaxErrorBodyCharacters = 16 * 1024;

    /// <summary>
    /// Registers <see cref="FlowRepositoryProvisioner"/> as <see cref="IFlowProvisioner"/>, its Refit client with the
    /// standard resilience handler (<see cref="FlowRepositoryResilience"/>), and <see cref="FlowRepositoryOptions"/>
    /// (section <c>FlowRepository</c>), validated on start.
    /// </summary>
    public static IServiceCollection AddFlowRepository(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<FlowRepositoryOptions>()
            .Bind(configuration.GetSection(FlowRepositoryOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<FlowRepositoryOptions>, FlowRepositoryOptionsValidator>();

        services.AddRefitGeneratedClient<IFlowRepositoryApi>(_ => CreateSettings())
            .ConfigureHttpClient((provider, client) =>
            {
                var options = provider.GetRequiredService<IOptions<FlowRepositoryOptions>>().Value;
                client.BaseAddress = new Uri(options.BaseUrl!, UriKind.Absolute);
                // The resilience pipeline's total timeout governs; HttpClient's own 100 s default would only interfere.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddStandardResilienceHandler()
            .Configure((resilience, provider) =>
            {
                if (ValidOptions(provider) is { } options)
                {
                    FlowRepositoryResilience.Configure(resilience, options);
                }
            });

        // Transient: each resolution gets a client from the factory, so handlers are rotated as the factory intends.
        services.AddTransient<IFlowProvisioner, FlowRepositoryProvisioner>();
        return services;
    }

    /// <summary>
    /// The options, or null when they are invalid: the resilience options are validated on start as well, and
    /// <see cref="FlowRepositoryOptionsValidator"/> alone should report the settings at fault.
    /// </summary>
    private static FlowRepositoryOptions? ValidOptions(IServiceProvider provider)
    {
        try
        {
            return provider.GetRequiredService<IOptions<FlowRepositoryOptions>>().Value;
        }
        catch (OptionsValidationException)
        {
            return null;
        }
    }

    private static RefitSettings CreateSettings() => new(SystemTextJsonContentSerializer.ForContext(FlowRepositoryJsonContext.Default))
    {
        // A byte-array body can be sent again by a retry; a streamed one cannot.
        RequestBodySerialization = RequestBodySerializationMode.Buffered,
        MaxExceptionContentLength = MaxErrorBodyCharacters,
        // Refit's exceptions hold the live request: drop the token before anything can log or serialize them.
        ExceptionRedactor = exception => exception.RequestMessage.Headers.Authorization = null,
    };
}
