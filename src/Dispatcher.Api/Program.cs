using Dispatcher.Api;
using Dispatcher.Api.Auth;
using Dispatcher.Api.Http;
using Dispatcher.Application;
using Dispatcher.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.Services
    .AddApplication()
    .AddInfrastructure(builder.Configuration)
    .AddDispatcherAuthentication(builder.Configuration, builder.Environment)
    .AddApi();

var app = builder.Build();

app.UseExceptionHandler();
app.UseMiddleware<RequestBodyLimitMiddleware>();
app.UseSwagger();
app.UseSwaggerUI();
app.UseSwaggerUI(options =>
{
    // The original service's documentation path.
    options.RoutePrefix = "api-docs";
    options.SwaggerEndpoint("/swagger/v1/swagger.json", "Dispatcher Service v1");
});
app.UseDispatcherAuthentication();
app.MapControllers();
app.MapGet("/", () => Results.Ok(new { service = "dispatcher-service", docs = "/api-docs" })).ExcludeFromDescription();
app.MapGet("/docs", () => Results.Redirect("/api-docs")).ExcludeFromDescription();

app.Run();
