namespace Dispatcher.Api;

/// <summary>The API layer's composition root.</summary>
public static class DependencyInjection
{
    /// <summary>Registers the mediator, controllers and OpenAPI.</summary>
    public static IServiceCollection AddApi(this IServiceCollection services)
    {
        services.AddMediator((Mediator.MediatorOptions options) =>
        {
            options.Assemblies = [typeof(Dispatcher.Application.DependencyInjection)];
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.PipelineBehaviors = [typeof(Dispatcher.Application.Common.Behaviours.ValidationBehaviour<,>)];
        });
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen();
        return services;
    }
}
