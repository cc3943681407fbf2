using Dispatcher.Api;
using Dispatcher.Api.Auth;
using Dispatcher.Api.Health;
using Dispatcher.Api.Http;
using Dispatcher.Api.Settings;
using Dispatcher.Api.Telemetry;
using Dispatcher.Application;
using Dispatcher.Infrastructure;

// The container's HEALTHCHECK: probe the running service and exit (see Dockerfile).
if (args is [SelfProbe.Switch, var probeTarget, ..])
{
    return await SelfProbe.RunAsync(probeTarget);
}

WebApplication app;
try
{
    var builder = WebApplication.CreateBuilder(args);

    // The original service's environment variables (MONGODB_URL, QUEUE_URL, …) as the lowest-precedence source:
    // any setting given under its own name wins (docs/configuration.md).
    builder.Configuration.AddOriginalEnvironmentAliases();

    // In every environment, not only Development: a captive dependency fails the start, not a request.
    builder.Host.UseDefaultServiceProvider(options =>
    {
        options.ValidateScopes = true;
        options.ValidateOnBuild = true;
    });

    builder.Services
        .AddApplication()
        .AddInfrastructure(builder.Configuration)
        .AddDispatcherAuthentication(builder.Configuration, builder.Environment)
        .AddApi(builder.Configuration);

    app = builder.Build();

    // Every setting is checked before anything uses one: invalid configuration ends here with one message.
    if (StartupValidation.Validate(app.Services) is { Count: > 0 } failures)
    {
        return StartupValidation.Fail(failures);
    }
}
catch (Exception e) when (StartupValidation.Failures(e) is { Count: > 0 } failures)
{
    return StartupValidation.Fail(failures);
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDispatcherCors();
app.UseSwagger();
app.UseSwaggerUI();
// The original service's documentation path.
app.UseApiDocs();
app.UseDispatcherAuthentication();
app.UseMiddleware<RequestBodyGuardMiddleware>();
app.MapControllers();
app.MapDispatcherHealth();
app.UseDispatcherTelemetry();
app.MapGet("/", () => Results.Ok(new { service = "dispatcher-service", docs = "/api-docs" })).ExcludeFromDescription();
app.MapGet("/docs", () => Results.Redirect("/api-docs")).ExcludeFromDescription();

app.Run();
return 0;
