using System.Text.Json.Nodes;
using Dispatcher.Api.Errors;
using Dispatcher.Api.Http;
using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Configurations.Validation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Dispatcher.Api.OpenApi;

/// <summary>
/// Documents what the pipeline around the actions does to every request, from the same metadata the pipeline uses:
/// 401/403 where authorization applies, the JSON edge's 400/413/415/422 where a JSON body is read
/// (<see cref="RequestBodyGuardMiddleware"/>), 400 for ids, <c>If-Match</c> with 412 and the <c>ETag</c> header on the
/// configuration routes, and each action's request example.
/// </summary>
internal sealed class HttpContractOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        var path = context.ApiDescription.RelativePath ?? string.Empty;
        var method = context.ApiDescription.HttpMethod ?? string.Empty;
        var problem = context.SchemaGenerator.GenerateSchema(typeof(ProblemResponse), context.SchemaRepository);
        operation.Responses ??= [];

        void Add(int status, string description)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.TryGetValue(key, out var existing) && existing is OpenApiResponse { Content.Count: > 0 })
            {
                return;
            }

            operation.Responses[key] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType> { [ApiProblem.ContentType] = new() { Schema = problem } },
            };
        }

        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        if (authorize.Count > 0 && !metadata.OfType<IAllowAnonymous>().Any())
        {
            Add(StatusCodes.Status401Unauthorized, "No token, or the token is invalid or expired.");
            Add(StatusCodes.Status403Forbidden, authorize.Any(a => a.Policy == Auth.DispatcherPolicies.Admin)
                ? "The token does not hold the permission `all` or `dispatcher.admin`."
                : "The token names no tenant, several, or one with surrounding whitespace or control characters.");
        }

        if (metadata.OfType<IAcceptsMetadata>().Any(a => a.ContentTypes.Contains("application/json")))
        {
            Add(StatusCodes.Status400BadRequest, "The body is malformed: not JSON, not UTF-8, a lone surrogate, a duplicate property, or a field is invalid.");
            Add(StatusCodes.Status413PayloadTooLarge, "The body is larger than `Api:MaxRequestBodyBytes`.");
            Add(StatusCodes.Status415UnsupportedMediaType, "The body is not `application/json` in UTF-8.");
            Add(StatusCodes.Status422UnprocessableEntity, "A limit is exceeded (named in `rule`, see docs/limits.md) or a domain rule is violated.");
        }

        if (path.Contains('{', StringComparison.Ordinal) && path.StartsWith("dispatches/", StringComparison.Ordinal))
        {
            Add(StatusCodes.Status400BadRequest, "An id is not 24 hexadecimal digits.");
        }

        if (path.StartsWith("dispatches/{id}", StringComparison.Ordinal) && method is "PATCH" or "PUT" or "DELETE")
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match",
                In = ParameterLocation.Header,
                Required = false,
                Description = "The configuration's `ETag` as last read: the write happens only if nobody changed it since (412 otherwise).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                Example = JsonValue.Create("\"3\""),
            });
            Add(StatusCodes.Status412PreconditionFailed, "The `If-Match` version is not the stored one.");
        }

        if (path.StartsWith("dispatches", StringComparison.Ordinal) && !path.EndsWith("/preview", StringComparison.Ordinal)
            && !(method == "DELETE" && path == "dispatches/{id}") && !(method == "GET" && path == "dispatches"))
        {
            foreach (var (status, response) in operation.Responses)
            {
                if (status is "200" or "201" && response is OpenApiResponse success)
                {
                    success.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    success.Headers["ETag"] = new OpenApiHeader
                    {
                        Description = "The configuration's version, quoted (e.g. `\"3\"`); send it back as `If-Match`.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    };
                }
            }
        }

        var example = context.MethodInfo.GetCustomAttributes(typeof(RequestExampleAttribute), false).OfType<RequestExampleAttribute>().FirstOrDefault();
        if (example is not null && operation.RequestBody?.Content is { } content)
        {
            foreach (var media in content.Values)
            {
                media.Example = JsonNode.Parse(example.Json);
            }
        }
    }
}

/// <summary>
/// Schemas say what is accepted and returned: unknown properties are accepted (the original's web UI sends whole
/// entities back) and extension members may appear in answers, so no schema forbids additional properties; JSON
/// values that are free-form (meta, data, fields) are any JSON; the preview's outcome is the routing outcome enum.
/// </summary>
internal sealed class HttpContractSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema concrete)
        {
            return;
        }

        if (concrete.AdditionalPropertiesAllowed == false || concrete.AdditionalProperties is not null)
        {
            concrete.AdditionalPropertiesAllowed = true;
            concrete.AdditionalProperties = null;
        }

        // A nullable member whose type has its own schema is a bare $ref, which says "never null"; say "or null".
        if (concrete.Properties is { Count: > 0 } properties)
        {
            var nullability = new System.Reflection.NullabilityInfoContext();
            foreach (var member in context.Type.GetProperties())
            {
                var name = member.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonPropertyNameAttribute), true)
                    .OfType<System.Text.Json.Serialization.JsonPropertyNameAttribute>().FirstOrDefault()?.Name
                    ?? System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(member.Name);
                if (properties.TryGetValue(name, out var property) && property is OpenApiSchemaReference reference
                    && nullability.Create(member).ReadState == System.Reflection.NullabilityState.Nullable)
                {
                    properties[name] = new OpenApiSchema { Type = JsonSchemaType.Object | JsonSchemaType.Null, AllOf = [reference] };
                }
            }
        }

        InputSchemas.Describe(context.Type, concrete);

        if (context.Type == typeof(Application.Configurations.Preview.DispatchPreview)
            && concrete.Properties?.TryGetValue("outcome", out var outcome) == true && outcome is OpenApiSchema outcomeSchema)
        {
            outcomeSchema.Enum = [.. Enum.GetNames<Domain.Routing.RoutingOutcome>().Select(name => (JsonNode)JsonValue.Create(name))];
        }
    }
}

/// <summary>Registers the filters and type mappings that keep the OpenAPI document true to the pipeline.</summary>
internal static class HttpContractDocumentation
{
    public static void AddTo(SwaggerGenOptions options)
    {
        options.MapType<JsonNode>(() => new OpenApiSchema { Description = "Any JSON value." });
        options.MapType<JsonObject>(() => new OpenApiSchema { Type = JsonSchemaType.Object, Description = "Any JSON object." });
        options.MapType<System.Text.Json.JsonElement>(() => new OpenApiSchema { Description = "Any JSON value." });
        options.MapType<System.Text.Json.JsonElement?>(() => new OpenApiSchema { Description = "Any JSON value." });
        options.OperationFilter<HttpContractOperationFilter>();
        options.SchemaFilter<HttpContractSchemaFilter>();
    }
}

/// <summary>The input validators' required fields and <see cref="InputLimits"/> as schema keywords of the input shapes.</summary>
internal static class InputSchemas
{
    public static void Describe(Type type, OpenApiSchema schema)
    {
        if (type == typeof(ConfigurationInput))
        {
            Require(schema, "name");
            Text(schema, "name", "dataModel");
            Items(schema, "applications", InputLimits.MaxApps);
        }
        else if (type == typeof(AppInput) || type == typeof(AppPatch))
        {
            if (type == typeof(AppInput))
            {
                Require(schema, "applicationName", "applicationUid");
            }

            Text(schema, "applicationName", "applicationUid");
        }
        else if (type == typeof(SideInput))
        {
            Items(schema, "flows", InputLimits.MaxConnectionsPerSide);
        }
        else if (type == typeof(ConnectionInput))
        {
            Require(schema, "schemaUri");
            Text(schema, "adapterAction", "transformerAction", "operation");
            if (schema.Properties?.TryGetValue("schemaUri", out var uri) == true && uri is OpenApiSchema uriSchema)
            {
                uriSchema.MaxLength = InputLimits.MaxSchemaUriLength;
                uriSchema.Format = "uri";
            }
        }
    }

    private static void Require(OpenApiSchema schema, params string[] names)
    {
        schema.Required ??= new HashSet<string>();
        foreach (var name in names)
        {
            schema.Required.Add(name);
        }
    }

    private static void Text(OpenApiSchema schema, params string[] names)
    {
        foreach (var name in names)
        {
            if (schema.Properties?.TryGetValue(name, out var property) == true && property is OpenApiSchema text)
            {
                text.MaxLength = InputLimits.MaxText;
            }
        }
    }

    private static void Items(OpenApiSchema schema, string name, int max)
    {
        if (schema.Properties?.TryGetValue(name, out var property) == true && property is OpenApiSchema list)
        {
            list.MaxItems = max;
        }
    }
}
