namespace Dispatcher.Api.OpenApi;

/// <summary>
/// The request body example of an action in the OpenAPI document (what Swagger UI pre-fills). It must be accepted as
/// it stands: a test posts every example and expects the documented success status.
/// </summary>
/// <param name="json">The example body, as JSON text (one of <see cref="RequestExamples"/>).</param>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequestExampleAttribute(string json) : Attribute
{
    public string Json { get; } = json;
}

/// <summary>Request body examples that the service accepts as they stand.</summary>
public static class RequestExamples
{
    /// <summary>A configuration: two apps exchanging persons (the README's walkthrough).</summary>
    public const string Configuration = """
        {"name":"Persons hub","dataModel":"5d9b3c2e1f0a4b5c6d7e8f90","applications":[
          {"applicationName":"SnazzyContacts","applicationUid":"snazzy1234","adapterComponentId":"5d2484d2a422ca001bda5690",
           "outbound":{"active":true,"flows":[{"schemaUri":"http://metadata.example.com/api/v1/domains/5d9b/schemas/person","adapterAction":"getPersons"}]},
           "inbound":{"active":true,"flows":[{"operation":"CREATE","schemaUri":"http://metadata.example.com/api/v1/domains/5d9b/schemas/person","adapterAction":"createPerson"}]}},
          {"applicationName":"Wice CRM","applicationUid":"wice5678","adapterComponentId":"5d2484d2a422ca001bda5690",
           "outbound":{"active":true,"flows":[{"schemaUri":"http://metadata.example.com/api/v1/domains/5d9b/schemas/person","adapterAction":"getPersons"}]},
           "inbound":{"active":true,"flows":[{"operation":"CREATE","schemaUri":"http://metadata.example.com/api/v1/domains/5d9b/schemas/person","adapterAction":"createContact"}]}}]}
        """;

    /// <summary>One app to add.</summary>
    public const string App = """
        {"applicationName":"MS Outlook","applicationUid":"outlook9012","adapterComponentId":"5d2484d2a422ca001bda5690",
         "fields":{"folder":"Contacts"},
         "outbound":{"active":false,"flows":[]},
         "inbound":{"active":true,"flows":[{"operation":"UPDATE","schemaUri":"http://metadata.example.com/api/v1/domains/5d9b/schemas/person","adapterAction":"updateContact"}]}}
        """;

    /// <summary>A partial app change: switch the inbound side off.</summary>
    public const string AppPatch = """{"inbound":{"active":false}}""";

    /// <summary>A sample event in the short form of the preview.</summary>
    public const string Preview = """
        {"flowId":"65f0a1b2c3d4e5f6a7b8c9d0","operation":"CREATE","meta":{"oihUid":"65f000000000000000000001","refs":[{"applicationUid":"wice5678","recordUid":"w-1"}]},"data":{"firstName":"Jane"}}
        """;

    /// <summary>A record event as the event bus carries it.</summary>
    public const string Event = """
        {"headers":{"name":"data-hub.record.created"},"payload":{"meta":{"flowId":"65f0a1b2c3d4e5f6a7b8c9d0","oihUid":"65f000000000000000000001"},"data":{"firstName":"Jane"}}}
        """;
}
