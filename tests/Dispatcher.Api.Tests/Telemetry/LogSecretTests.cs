using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Dispatcher.Api.Tests.Messaging;
using Dispatcher.Api.Tests.Support;
using Dispatcher.TestSupport.FlowRepository;
using Dispatcher.TestSupport.RabbitMq;
using Microsoft.Extensions.Logging;

namespace Dispatcher.Api.Tests.Telemetry;

/// <summary>
/// Logs never carry a credential: a full run — configuration created with a bearer token through the Flow Repository
/// adapter (service token), an event consumed from RabbitMQ with a broker user of its own, dispatches published — is
/// logged at every level, and the log is searched for each secret. Entries written while an event is handled carry
/// the correlation and trace ids.
/// </summary>
[NonParallelizable]
public sealed class LogSecretTests
{
    [Test]
    public async Task A_full_create_and_dispatch_run_logs_no_token_secret_or_broker_password_and_scopes_carry_the_ids()
    {
        await using var brokerUser = await BrokerUser.CreateAsync();
        await using var broker = new TestBroker();
        await using var flowRepository = await FakeFlowRepository.StartAsync();
        var serviceToken = $"svc-{Convert.ToHexString(RandomNumberGenerator.GetBytes(16))}";
        flowRepository.AdminTokens.Add(serviceToken);
        flowRepository.TransitionDelay = TimeSpan.FromMilliseconds(50);
        var settings = new Dictionary<string, string?>(broker.Settings)
        {
            ["Messaging:RabbitMqUrl"] = brokerUser.Url,
            ["FlowRepository:BaseUrl"] = flowRepository.BaseUrl,
            ["FlowRepository:ServiceToken"] = serviceToken,
        };
        var logs = new CapturingLoggerProvider();
        using var factory = new DispatcherApiFactory(settings, logs.Register);
        using var client = factory.ClientFor("tenant-a");
        var bearer = client.DefaultRequestHeaders.Authorization!.Parameter!;

        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);
        await broker.WaitForQueueAsync(broker.ServiceQueue, TimeSpan.FromSeconds(15));
        await Health.HealthEndpointTests.UntilReadyAsync(client);
        await broker.PublishEventAsync("data-hub.record.created", $$$"""{"meta":{"flowId":"{{{flows["snazzy.out"]}}}","oihUid":"secret-scan"},"data":{"n":1}}""");
        (await broker.ExpectAsync($"dispatch.{flows["wice.CREATE"]}", 1, TimeSpan.FromSeconds(20))).Should().ContainSingle();
        // A request with a bad token too: refusals must not echo it either.
        using var refused = await factory.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Get, "/dispatches")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", bearer + "x") },
        });
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        var entries = logs.Entries;
        entries.Should().HaveCountGreaterThan(50, "everything down to Trace is captured");
        var secrets = new Dictionary<string, string>
        {
            ["bearer token"] = bearer,
            ["bearer token signature"] = bearer[(bearer.LastIndexOf('.') + 1)..],
            ["Flow Repository service token"] = serviceToken,
            ["broker password"] = brokerUser.Password,
        };
        foreach (var (what, secret) in secrets)
        {
            entries.Where(e => e.AllText.Contains(secret, StringComparison.Ordinal)).Select(e => $"{e.Category}: {e.Message}")
                .Should().BeEmpty("no log entry may contain the {0}", what);
        }

        var handling = entries.Where(e => e.Scopes.Any(s => s.Contains("Message=DispatchRecordEvent", StringComparison.Ordinal))).ToList();
        handling.Should().NotBeEmpty("the handling of the event logs something (flow starts at least)");
        handling.Should().OnlyContain(e => e.Scopes.Any(s => s.Contains("CorrelationId=", StringComparison.Ordinal))
            && e.Scopes.Any(s => s.Contains("SourceFlowId=" + flows["snazzy.out"], StringComparison.Ordinal))
            && e.Scopes.Any(s => s.Contains("TraceId=", StringComparison.Ordinal)));
    }

    /// <summary>
    /// A RabbitMQ user with a random password, made through the management API (guest is an administrator on the
    /// test broker), so the password is a string nothing else contains. Deleted at the end.
    /// </summary>
    private sealed class BrokerUser : IAsyncDisposable
    {
        private static readonly Uri Management = new("http://127.0.0.1:15672/api/");
        private readonly HttpClient _http;
        private readonly string _name;

        private BrokerUser(HttpClient http, string name, string password, string url)
        {
            _http = http;
            _name = name;
            Password = password;
            Url = url;
        }

        public string Password { get; }

        public string Url { get; }

        public static async Task<BrokerUser> CreateAsync()
        {
            var http = new HttpClient { BaseAddress = Management };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
            var name = $"dispatcher-logs-{Guid.NewGuid():N}"[..28];
            var password = $"pw{Convert.ToHexString(RandomNumberGenerator.GetBytes(12))}";
            (await http.PutAsJsonAsync($"users/{name}", new { password, tags = "" })).EnsureSuccessStatusCode();
            (await http.PutAsJsonAsync($"permissions/{Uri.EscapeDataString(TestBroker.VirtualHost)}/{name}", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
            var broker = new Uri(TestBroker.Url);
            return new BrokerUser(http, name, password, $"amqp://{name}:{password}@{broker.Host}:{broker.Port}{broker.AbsolutePath}");
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await _http.DeleteAsync($"users/{_name}");
            }
            catch (HttpRequestException)
            {
                // Best effort: the user has a unique name.
            }

            _http.Dispose();
        }
    }
}
