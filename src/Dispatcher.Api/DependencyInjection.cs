using System.Reflection;
using Dispatcher.Api.Errors;
using Dispatcher.Api.Http;
using Dispatcher.Api.Telemetry;
using Dispatcher.Application;
using Dispatcher.Application.Configurations.Validation;
using Dispatcher.Infrastructure.Health;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;

namespace Dispatcher.Api;

/// <summary>The API layer's composition root.</summary>
public static class DependencyInjection
{
    /// <summary>
    /// Registers the mediator, controllers, error handling and OpenAPI, and the operability side: health checks
    /// (<c>/health/live</c>, <c>/health/ready</c>, <c>/healthcheck</c>) and telemetry (section <c>Telemetry</c>).
    /// </summary>
    public static IServiceCollection AddApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMediator((Mediator.MediatorOptions options) =>
        {
            options.Assemblies = [typeof(Dispatcher.Application.DependencyInjection)];
            options.ServiceLifetime = ServiceLifetime.Scoped;
            // Outermost first: the span and log scope cover validation too.
            options.PipelineBehaviors =
            [
                typeof(TracingBehaviour<,>),
                typeof(Dispatcher.Application.Common.Behaviours.ValidationBehaviour<,>),
            ];
        });

        services.AddDispatcherHealthChecks(configuration);
        services.AddDispatcherTelemetry(configuration);
        services.AddDispatcherCors(configuration);

        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // Answers without a body of their own (unknown route, wrong method) get a problem with the original's errors too.
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            if (!problem.Extensions.ContainsKey("errors"))
            {
                problem.Extensions["errors"] = new[] { new ApiError(problem.Detail ?? problem.Title ?? "Error.", problem.Status ?? context.HttpContext.Response.StatusCode) };
            }
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddControllers()
            // Enums are named strings everywhere, in bodies and in the OpenAPI document.
            .AddJsonOptions(options =>
            {
                options.JsonSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
                // Bodies are at most InputLimits.MaxJsonDepth deep (checked at the edge); answers wrap what was accepted
                // in a few more levels (envelope, list, app, fields), so writing needs more room than MVC's default 32.
                options.JsonSerializerOptions.MaxDepth = 2 * InputLimits.MaxJsonDepth;
            })
            .ConfigureApiBehaviorOptions(options => options.InvalidModelStateResponseFactory = InvalidModelState);

        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Dispatcher Service",
                Version = "v1",
                Description = "Hub-and-spoke dispatch configurations. Every /dispatches route needs a bearer token with a tenant.",
            });
            foreach (var assembly in new[] { typeof(DependencyInjection).Assembly, typeof(Dispatcher.Application.DependencyInjection).Assembly })
            {
                var xml = Path.Combine(AppContext.BaseDirectory, $"{assembly.GetName().Name}.xml");
                if (File.Exists(xml))
                {
                    options.IncludeXmlComments(xml);
                }
            }

            OpenApi.HttpContractDocumentation.AddTo(options);
            options.AddSecurityDefinition("bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT or IAM token",
                Description = "A bearer token whose tenant claim selects the configurations.",
            });
            options.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference("bearer", document)] = [],
            });
        });
        return services;
    }

    /// <summary>Model binding failures (malformed JSON, wrong types) as one problem listing each field.</summary>
    private static IActionResult InvalidModelState(ActionContext context)
    {
        // A JSON syntax or type error also marks the whole body "required"; the JSON path is the precise one.
        var entries = context.ModelState.Where(entry => entry.Value is { Errors.Count: > 0 }).ToList();
        if (entries.Any(entry => entry.Key.StartsWith('$')))
        {
            entries = entries.Where(entry => entry.Key.StartsWith('$')).ToList();
        }

        var errors = entries
            .SelectMany(entry => entry.Value!.Errors.Select(error => new ApiError(
                Describe(error),
                StatusCodes.Status400BadRequest,
                string.IsNullOrEmpty(entry.Key) ? "body" : entry.Key.TrimStart('$', '.'))))
            .ToList();
        var problem = ApiProblem.Create(
            StatusCodes.Status400BadRequest,
            "Malformed request",
            string.Join(" ", errors.Select(e => $"{e.Field}: {e.Message}")),
            errors);
        return new ProblemResult(problem);
    }

    private static string Describe(Microsoft.AspNetCore.Mvc.ModelBinding.ModelError error) =>
        string.IsNullOrEmpty(error.ErrorMessage) ? error.Exception?.Message ?? "Invalid value." : error.ErrorMessage;
}
