namespace Dispatcher.Api.Http;

/// <summary>
/// The Swagger UI at the original service's path, <c>/api-docs</c>. <c>GET /api-docs</c> and <c>GET /api-docs/</c>
/// answer 200 with the UI's page itself (the original's own test expects the HTML there), not the redirect to
/// <c>index.html</c> that Swashbuckle answers by default.
/// </summary>
public static class ApiDocs
{
    public const string Path = "/api-docs";

    /// <summary>Serves the UI at <see cref="Path"/> from <c>/swagger/v1/swagger.json</c>.</summary>
    public static IApplicationBuilder UseApiDocs(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            {
                var path = context.Request.Path.Value;
                if (string.Equals(path, Path, StringComparison.OrdinalIgnoreCase) || string.Equals(path, Path + "/", StringComparison.OrdinalIgnoreCase))
                {
                    // An internal rewrite, so the page comes back at once; its assets resolve through the base below.
                    context.Request.Path = Path + "/index.html";
                }
            }

            return next(context);
        });
        app.UseSwaggerUI(options =>
        {
            options.RoutePrefix = Path.TrimStart('/');
            options.SwaggerEndpoint("/swagger/v1/swagger.json", "Dispatcher Service v1");
            // The page is also served at /api-docs (no slash), where its relative asset links would point one level up.
            options.HeadContent = $"<base href=\"{Path}/\">";
        });
        return app;
    }
}
