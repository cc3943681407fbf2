using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dispatcher.TestSupport.FlowRepository;

/// <summary>
/// An in-process Flow Repository for tests: Kestrel on <c>127.0.0.1</c> (a free port), serving <c>POST /flows</c>, <c>GET /flows</c> (paged),
/// <c>PATCH|GET|DELETE /flows/{id}</c> and <c>POST /flows/{id}/start|stop</c> under the real service's rules:
/// <list type="bullet">
/// <item>every call needs <c>Authorization: Bearer …</c> (401 otherwise); a flow is visible only to tokens of its owner
/// (<see cref="OwnerOf"/>) and to <see cref="AdminTokens"/>, invisible flows answer 404 as missing ones do;</item>
/// <item>ids are ObjectIds (400 <c>Invalid id</c> otherwise); flows are validated as the real schema does
/// (<see cref="FlowDocumentRules"/>);</item>
/// <item>PATCH and DELETE answer 409 unless the flow is <c>inactive</c>; start sets <c>starting</c> and stop
/// <c>stopping</c>, which become <c>active</c>/<c>inactive</c> after <see cref="TransitionDelay"/> or on
/// <see cref="CompleteTransitions"/>;</item>
/// <item>bodies and messages as the real service's (<c>{data, meta}</c>, <c>{errors:[{message, code}]}</c>).</item>
/// </list>
/// Faults can be injected per route and call number (<see cref="Fail"/>, <see cref="Delay"/>), for the whole service
/// (<see cref="GoDown"/>), or at the socket (<see cref="StopListeningAsync"/>). <see cref="Flows"/> and
/// <see cref="Requests"/> expose what it holds and what it received.
/// </summary>
public sealed class FakeFlowRepository : IAsyncDisposable
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly OrderedDictionary<string, StoredFlow> _flows = new(StringComparer.Ordinal);
    private readonly List<RecordedFlowRequest> _requests = [];
    private readonly Dictionary<FlowOperation, int> _arrivals = [];
    private readonly List<Fault> _faults = [];
    private WebApplication? _app;
    private int _port;
    private int? _downStatus;
    private DateTimeOffset? _downUntil;
    private int _objectIdCounter;

    private FakeFlowRepository()
    {
    }

    /// <summary>The base URL to configure as <c>FlowRepository:BaseUrl</c>.</summary>
    public string BaseUrl => $"http://127.0.0.1:{_port}";

    /// <summary>
    /// How long <c>starting</c> and <c>stopping</c> last; null (the default) keeps them until
    /// <see cref="CompleteTransitions"/>.
    /// </summary>
    public TimeSpan? TransitionDelay { get; set; }

    /// <summary>Tokens that see every flow (a token with the <c>all</c> permission, e.g. the dispatcher's service token).</summary>
    public ISet<string> AdminTokens { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Who a token belongs to; flows are visible to tokens of the same owner. Default: the token itself. Set it, e.g. to
    /// read a JWT's tenant, when several tokens stand for one owner.
    /// </summary>
    public Func<string, string> OwnerOf { get; set; } = token => token;

    /// <summary>Every flow, oldest first, with due transitions settled.</summary>
    public IReadOnlyList<FakeFlow> Flows
    {
        get
        {
            lock (_gate)
            {
                return _flows.Values.Select(flow => Snapshot(Settle(flow))).ToList();
            }
        }
    }

    /// <summary>Every request received so far, in arrival order of their answers.</summary>
    public IReadOnlyList<RecordedFlowRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts a fake on a free loopback port.</summary>
    public static async Task<FakeFlowRepository> StartAsync()
    {
        var fake = new FakeFlowRepository();
        await fake.ListenAsync();
        return fake;
    }

    /// <summary>The flow with <paramref name="id"/>; throws when there is none.</summary>
    public FakeFlow Flow(string id) =>
        Flows.SingleOrDefault(flow => flow.Id == id) ?? throw new InvalidOperationException($"No flow {id}.");

    /// <summary>The requests received for <paramref name="operation"/>.</summary>
    public IReadOnlyList<RecordedFlowRequest> RequestsFor(FlowOperation operation) =>
        Requests.Where(request => request.Operation == operation).ToList();

    /// <summary>How many requests for <paramref name="operation"/> arrived (including failed and abandoned ones).</summary>
    public int CallsTo(FlowOperation operation)
    {
        lock (_gate)
        {
            return _arrivals.GetValueOrDefault(operation);
        }
    }

    /// <summary>Completes every pending transition now: <c>starting</c> → <c>active</c>, <c>stopping</c> → <c>inactive</c>.</summary>
    public void CompleteTransitions()
    {
        lock (_gate)
        {
            foreach (var flow in _flows.Values)
            {
                flow.Status = flow.Status switch
                {
                    "starting" => "active",
                    "stopping" => "inactive",
                    var same => same,
                };
            }
        }
    }

    /// <summary>Stores a flow directly (as if created earlier by <paramref name="ownerToken"/>) and returns its id.</summary>
    public string AddFlow(string ownerToken, string status = "inactive", string name = "Seeded flow")
    {
        ArgumentNullException.ThrowIfNull(ownerToken);
        lock (_gate)
        {
            var document = new JsonObject
            {
                ["name"] = name,
                ["graph"] = new JsonObject
                {
                    ["nodes"] = new JsonArray(new JsonObject { ["id"] = "step_1", ["componentId"] = NewObjectId(), ["function"] = "noop" }),
                    ["edges"] = new JsonArray(),
                },
            };
            return Store(document, ownerToken, status).Id;
        }
    }

    /// <summary>Sets a flow's status directly (as the component orchestrator would).</summary>
    public void SetStatus(string id, string status)
    {
        lock (_gate)
        {
            var flow = _flows.GetValueOrDefault(id) ?? throw new InvalidOperationException($"No flow {id}.");
            flow.Status = status;
            flow.StatusChangedAt = DateTimeOffset.UtcNow;
        }
    }

    /// <summary>
    /// Answers the <paramref name="nth"/> request for <paramref name="operation"/> (1-based, counting every arrival) and
    /// the following <paramref name="times"/> − 1 with <paramref name="status"/> and <c>{errors:[{message, code}]}</c>,
    /// without acting on them.
    /// </summary>
    public void Fail(FlowOperation operation, int nth, int status, int times = 1, string message = "Injected failure")
    {
        lock (_gate)
        {
            _faults.Add(new Fault(operation, nth, nth + times - 1, status, null, false, message));
        }
    }

    /// <summary>
    /// Holds the <paramref name="nth"/> request for <paramref name="operation"/> (and the following <paramref name="times"/>
    /// − 1) for <paramref name="delay"/> before acting on it. A client that gives up meanwhile leaves nothing behind,
    /// unless <paramref name="processWhenAbandoned"/>: then the request is still carried out, as a real server does.
    /// </summary>
    public void Delay(FlowOperation operation, int nth, TimeSpan delay, int times = 1, bool processWhenAbandoned = false)
    {
        lock (_gate)
        {
            _faults.Add(new Fault(operation, nth, nth + times - 1, null, delay, processWhenAbandoned, null));
        }
    }

    /// <summary>
    /// Answers every request with <paramref name="status"/> (default 503) until <see cref="ComeBack"/>, or for
    /// <paramref name="duration"/> when given.
    /// </summary>
    public void GoDown(TimeSpan? duration = null, int status = StatusCodes.Status503ServiceUnavailable)
    {
        lock (_gate)
        {
            _downStatus = status;
            _downUntil = duration is { } d ? DateTimeOffset.UtcNow + d : null;
        }
    }

    /// <summary>Ends <see cref="GoDown"/>.</summary>
    public void ComeBack()
    {
        lock (_gate)
        {
            _downStatus = null;
            _downUntil = null;
        }
    }

    /// <summary>Closes the port: connections are refused until <see cref="ListenAgainAsync"/>. State is kept.</summary>
    public async Task StopListeningAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Listens again on the same port after <see cref="StopListeningAsync"/>.</summary>
    public Task ListenAgainAsync() => _app is null ? ListenAsync() : Task.CompletedTask;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(StopListeningAsync());

    private async Task ListenAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            EnvironmentName = "FakeFlowRepository",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, _port));

        var app = builder.Build();
        app.MapPost("/flows", Route(FlowOperation.Create));
        app.MapPatch("/flows/{id}", Route(FlowOperation.Update));
        app.MapGet("/flows", Route(FlowOperation.List));
        app.MapGet("/flows/{id}", Route(FlowOperation.Get));
        app.MapPost("/flows/{id}/start", Route(FlowOperation.Start));
        app.MapPost("/flows/{id}/stop", Route(FlowOperation.Stop));
        app.MapDelete("/flows/{id}", Route(FlowOperation.Delete));
        await app.StartAsync();

        _port = new Uri(app.Urls.First()).Port;
        _app = app;
    }

    private RequestDelegate Route(FlowOperation operation) => context => HandleAsync(context, operation);

    private async Task HandleAsync(HttpContext context, FlowOperation operation)
    {
        var id = context.Request.RouteValues["id"] as string;
        var token = BearerTokenOf(context.Request);
        JsonNode? body = null;
        var bodyIsJson = true;
        if (operation is FlowOperation.Create or FlowOperation.Update)
        {
            (body, bodyIsJson) = await ReadBodyAsync(context.Request);
        }

        Fault? fault;
        int? down;
        lock (_gate)
        {
            var nth = _arrivals[operation] = _arrivals.GetValueOrDefault(operation) + 1;
            fault = _faults.FirstOrDefault(f => f.Operation == operation && nth >= f.FromNth && nth <= f.ToNth);
            if (_downUntil is { } until && DateTimeOffset.UtcNow >= until)
            {
                _downStatus = null;
                _downUntil = null;
            }

            down = _downStatus;
        }

        var answer = down is { } downStatus
            ? new Answer(downStatus, Errors(downStatus, "NO DB. Please try again later"))
            : await ApplyFaultAsync(fault, context.RequestAborted);
        if (answer is null && !bodyIsJson)
        {
            answer = new Answer(StatusCodes.Status400BadRequest, Errors(StatusCodes.Status400BadRequest, "Invalid JSON body"));
        }

        lock (_gate)
        {
            answer ??= token is null
                ? new Answer(StatusCodes.Status401Unauthorized, Errors(StatusCodes.Status401Unauthorized, "Missing authorization header."))
                : operation == FlowOperation.List ? List(context.Request.Query, token) : Process(operation, id, token, body);
            var abandoned = context.RequestAborted.IsCancellationRequested;
            _requests.Add(new RecordedFlowRequest(
                operation, context.Request.Method, context.Request.Path.Value ?? string.Empty, id, token, body?.DeepClone(),
                abandoned ? 0 : answer.Status));
        }

        if (!context.RequestAborted.IsCancellationRequested)
        {
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(answer.Body.ToJsonString(), CancellationToken.None);
        }
    }

    /// <summary>Waits out a delay fault; returns the fault's answer, or null to carry the request out.</summary>
    private static async Task<Answer?> ApplyFaultAsync(Fault? fault, CancellationToken aborted)
    {
        if (fault is null)
        {
            return null;
        }

        if (fault.Delay is { } delay)
        {
            try
            {
                await Task.Delay(delay, fault.ProcessWhenAbandoned ? CancellationToken.None : aborted);
            }
            catch (OperationCanceledException)
            {
                return new Answer(0, new JsonObject()); // The client went away: nothing is carried out.
            }
        }

        return fault.Status is { } status ? new Answer(status, Errors(status, fault.Message ?? "Injected failure")) : null;
    }

    private Answer Process(FlowOperation operation, string? id, string token, JsonNode? body)
    {
        if (operation == FlowOperation.Create)
        {
            return Create(body, token);
        }

        if (!FlowDocumentRules.IsObjectId(id))
        {
            // The real service answers a bare string on PATCH and DELETE, an errors array elsewhere.
            return operation is FlowOperation.Update or FlowOperation.Delete
                ? new Answer(400, new JsonObject { ["errors"] = "Invalid id" })
                : new Answer(400, Errors(400, "Invalid id"));
        }

        var flow = _flows.GetValueOrDefault(id!) is { } stored && CanSee(token, stored) ? Settle(stored) : null;
        return operation switch
        {
            FlowOperation.Get => flow is null ? new Answer(404, Errors(404, "No flow found")) : Data(200, Document(flow)),
            FlowOperation.Update => Update(flow, body, token),
            FlowOperation.Start => ChangeStatus(flow, "starting"),
            FlowOperation.Stop => ChangeStatus(flow, "stopping"),
            FlowOperation.Delete => Delete(flow),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
        };
    }

    /// <summary>Paged as the real service pages (skip/limit; 10 per page by default; 404 for an empty page).</summary>
    private Answer List(IQueryCollection query, string token)
    {
        var size = int.TryParse(query["page[size]"], out var s) ? s : 10;
        var number = int.TryParse(query["page[number]"], out var n) ? n : 1;
        var visible = _flows.Values.Where(flow => CanSee(token, flow)).ToList();
        var page = visible.Skip((number - 1) * size).Take(size).Select(flow => (JsonNode)Document(Settle(flow))).ToArray();
        if (page.Length == 0)
        {
            return new Answer(404, Errors(404, "No flows found"));
        }

        return new Answer(200, new JsonObject
        {
            ["data"] = new JsonArray(page),
            ["meta"] = new JsonObject
            {
                ["total"] = visible.Count,
                ["page"] = number,
                ["perPage"] = size,
                ["totalPages"] = (visible.Count + size - 1) / size,
            },
        });
    }

    private Answer Create(JsonNode? body, string token)
    {
        if (body is not JsonObject input)
        {
            return new Answer(400, Errors(400, "A flow object is required"));
        }

        var violations = FlowDocumentRules.Violations(input);
        if (violations.Count > 0)
        {
            return new Answer(400, Errors(400, [.. violations]));
        }

        var document = (JsonObject)input.DeepClone();
        foreach (var serverOwned in new[] { "id", "_id", "owners", "tenant", "status", "createdAt", "updatedAt" })
        {
            document.Remove(serverOwned);
        }

        return Data(201, Document(Store(document, token, "inactive")));
    }

    private Answer Update(StoredFlow? flow, JsonNode? body, string token)
    {
        if (flow is null)
        {
            return new Answer(404, Errors(404, "Flow not found"));
        }

        if (flow.Status != "inactive")
        {
            return new Answer(409, Errors(409, $"Flow is not inactive. Current status: {flow.Status}"));
        }

        if (body is not JsonObject input)
        {
            return new Answer(400, Errors(400, "A flow object is required"));
        }

        // Object.assign(stored, body): top-level keys of the body replace the stored ones.
        var merged = (JsonObject)flow.Document.DeepClone();
        foreach (var (key, value) in input)
        {
            if (key is not ("id" or "_id" or "owners" or "createdAt" or "updatedAt"))
            {
                merged[key] = value?.DeepClone();
            }
        }

        var violations = FlowDocumentRules.Violations(merged);
        if (violations.Count > 0)
        {
            return new Answer(400, Errors(400, [.. violations]));
        }

        merged.Remove("status");
        flow.Document = merged;
        flow.UpdatedBy.Add(token);
        return Data(200, Document(flow));
    }

    private static Answer ChangeStatus(StoredFlow? flow, string status)
    {
        if (flow is null)
        {
            return new Answer(404, Errors(404, "No flow with this ID found"));
        }

        // No status guard, as in the real service: even an active flow is set to starting again.
        flow.Status = status;
        flow.StatusChangedAt = DateTimeOffset.UtcNow;
        return Data(200, new JsonObject { ["id"] = flow.Id, ["status"] = status });
    }

    private Answer Delete(StoredFlow? flow)
    {
        if (flow is null)
        {
            return new Answer(404, Errors(404, "Flow not found"));
        }

        if (flow.Status != "inactive")
        {
            return new Answer(409, Errors(409, $"Flow is not inactive. Current status: {flow.Status}"));
        }

        _flows.Remove(flow.Id);
        return new Answer(200, new JsonObject { ["msg"] = "Flow was successfully deleted" });
    }

    private StoredFlow Store(JsonObject document, string ownerToken, string status)
    {
        var flow = new StoredFlow(NewObjectId(), ownerToken, OwnerOf(ownerToken), DateTimeOffset.UtcNow)
        {
            Document = document,
            Status = status,
            StatusChangedAt = DateTimeOffset.UtcNow,
        };
        _flows.Add(flow.Id, flow);
        return flow;
    }

    private bool CanSee(string token, StoredFlow flow) => AdminTokens.Contains(token) || OwnerOf(token) == flow.Owner;

    private StoredFlow Settle(StoredFlow flow)
    {
        if (TransitionDelay is { } delay && DateTimeOffset.UtcNow >= flow.StatusChangedAt + delay)
        {
            flow.Status = flow.Status switch
            {
                "starting" => "active",
                "stopping" => "inactive",
                var same => same,
            };
        }

        return flow;
    }

    private string NewObjectId()
    {
        var seconds = (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var counter = (uint)Interlocked.Increment(ref _objectIdCounter);
        return $"{seconds:x8}{0xfa4e:x4}{GetHashCode() & 0xffffff:x6}{counter & 0xffffff:x6}";
    }

    private static JsonObject Document(StoredFlow flow)
    {
        var document = new JsonObject { ["id"] = flow.Id };
        foreach (var (key, value) in flow.Document)
        {
            document[key] = value?.DeepClone();
        }

        document["status"] = flow.Status;
        document["owners"] = new JsonArray(new JsonObject { ["id"] = flow.Owner, ["type"] = "user" });
        document["createdAt"] = flow.CreatedAt.ToString("O");
        return document;
    }

    private static FakeFlow Snapshot(StoredFlow flow)
    {
        var document = Document(flow);
        return new FakeFlow(
            flow.Id, document["name"]?.GetValueKind() == JsonValueKind.String ? document["name"]!.GetValue<string>() : null,
            flow.Status, document["graph"]?.DeepClone(), flow.OwnerToken, document);
    }

    private static Answer Data(int status, JsonNode data) =>
        new(status, new JsonObject { ["data"] = data, ["meta"] = new JsonObject() });

    private static JsonObject Errors(int code, params string[] messages) => new()
    {
        ["errors"] = new JsonArray(messages.Select(message => (JsonNode)new JsonObject { ["message"] = message, ["code"] = code }).ToArray()),
    };

    private static string? BearerTokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && header.Length > Scheme.Length
            ? header[Scheme.Length..].Trim()
            : null;
    }

    private static async Task<(JsonNode? Body, bool IsJson)> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync();
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, true);
        }

        try
        {
            return (JsonNode.Parse(text), true);
        }
        catch (JsonException)
        {
            return (null, false);
        }
    }

    private sealed record Answer(int Status, JsonNode Body);

    private sealed record Fault(
        FlowOperation Operation, int FromNth, int ToNth, int? Status, TimeSpan? Delay, bool ProcessWhenAbandoned, string? Message);

    private sealed class StoredFlow(string id, string ownerToken, string owner, DateTimeOffset createdAt)
    {
        public string Id { get; } = id;

        public string OwnerToken { get; } = ownerToken;

        public string Owner { get; } = owner;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public List<string> UpdatedBy { get; } = [];

        public required JsonObject Document { get; set; }

        public required string Status { get; set; }

        public DateTimeOffset StatusChangedAt { get; set; }
    }
}
