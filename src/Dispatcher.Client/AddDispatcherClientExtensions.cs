using Dispatcher.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Refit;

// The conventional namespace of service registrations, so that AddDispatcherClient is found without a using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IDispatcherClient"/> with <c>IHttpClientFactory</c>.</summary>
public static class AddDispatcherClientExtensions
{
    /// <summary>
    /// Registers <see cref="IDispatcherClient"/> on a typed <c>HttpClient</c> from <c>IHttpClientFactory</c>, with the
    /// bearer token handler: <c>services.AddDispatcherClient(o =&gt; { o.BaseAddress = new("http://dispatcher:3013/"); o.Token = token; })</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the base address and the token (or token provider).</param>
    /// <returns>The HTTP client's builder, to add handlers (e.g. resilience) or change the primary handler.</returns>
    public static IHttpClientBuilder AddDispatcherClient(this IServiceCollection services, Action<DispatcherClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddDispatcherClient((_, options) => configure(options));
    }

    /// <summary>
    /// Like <see cref="AddDispatcherClient(IServiceCollection, Action{DispatcherClientOptions})"/>, with the service
    /// provider at hand (e.g. to build a <see cref="DispatcherClientOptions.TokenProvider"/> from registered services).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the base address and the token (or token provider).</param>
    /// <returns>The HTTP client's builder.</returns>
    public static IHttpClientBuilder AddDispatcherClient(this IServiceCollection services, Action<IServiceProvider, DispatcherClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<DispatcherClientOptions>()
            .Configure<IServiceProvider>((options, provider) => configure(provider, options))
            .Validate(options => options.BaseAddress is { IsAbsoluteUri: true }, "DispatcherClientOptions.BaseAddress must be an absolute URI.");
        services.TryAddTransient(provider =>
        {
            var options = provider.GetRequiredService<IOptions<DispatcherClientOptions>>().Value;
            var token = options.Token;
            return new DispatcherBearerTokenHandler(options.TokenProvider ?? (_ => ValueTask.FromResult(token ?? "")));
        });
        services.TryAddTransient<IDispatcherClient>(provider => new DispatcherClient(provider.GetRequiredService<IDispatcherApi>()));
        return services.AddRefitGeneratedClient<IDispatcherApi>(DispatcherJson.RefitSettings)
            .ConfigureHttpClient((provider, client) =>
            {
                var options = provider.GetRequiredService<IOptions<DispatcherClientOptions>>().Value;
                client.BaseAddress = options.BaseAddress;
                client.Timeout = options.Timeout;
            })
            .AddHttpMessageHandler<DispatcherBearerTokenHandler>();
    }
}
