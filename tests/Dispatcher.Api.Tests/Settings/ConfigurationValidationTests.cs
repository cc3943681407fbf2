using System.Diagnostics;
using Dispatcher.Api.Settings;
using Dispatcher.Api.Tests.Health;
using Dispatcher.Api.Tests.Support;
using Dispatcher.TestSupport;

namespace Dispatcher.Api.Tests.Settings;

/// <summary>
/// Invalid configuration stops start-up with one message naming the setting, for every options section: as a process,
/// on standard error with exit code 1 and no stack trace; hosted in a test, as <see cref="InvalidConfigurationException"/>.
/// </summary>
[NonParallelizable]
public sealed class ConfigurationValidationTests
{
    [TestCase("Messaging:RabbitMqUrl", "http://x", "Messaging:RabbitMqUrl must be an amqp:// or amqps:// URL.")]
    [TestCase("Messaging:PrefetchCount", "0", "*PrefetchCount*")]
    [TestCase("Messaging:PrefetchCount", "many", "Failed to convert configuration value * at 'Messaging:PrefetchCount'*")]
    [TestCase("Messaging:QueueType", "stream", "Failed to convert configuration value * at 'Messaging:QueueType'*")]
    [TestCase("Messaging:QueueType", "7", "Messaging:QueueType must be Classic or Quorum.")]
    [TestCase("Messaging:Ordering", "Total", "Failed to convert configuration value * at 'Messaging:Ordering'*")]
    [TestCase("Messaging:Ordering", "7", "Messaging:Ordering must be None or PerRecord.")]
    [TestCase("Messaging:Ordering", "PerRecord", "Messaging:Ordering=PerRecord needs RabbitMQ (Messaging:RabbitMqUrl)*")]
    [TestCase("Messaging:OrderedPartitions", "0", "*OrderedPartitions*")]
    [TestCase("Storage:Sqlite:BusyTimeoutMilliseconds", "-1", "*BusyTimeoutMilliseconds*")]
    [TestCase("Storage:MongoDb:ConnectionString", "not-mongo", "Storage:MongoDb:ConnectionString is not a valid MongoDB connection string.")]
    [TestCase("FlowRegistry:Standalone:TransitionDelay", "-00:00:01", "FlowRegistry:Standalone:TransitionDelay must not be negative.")]
    [TestCase("FlowRepository:BaseUrl", "ftp://flows", "FlowRepository:BaseUrl must be an absolute http or https URL*")]
    [TestCase("Provisioning:MaxParallelism", "0", "*MaxParallelism*")]
    [TestCase("Reconciler:PageSize", "0", "*PageSize*")]
    [TestCase("Provisioning:WorkParallelism", "0", "*WorkParallelism*")]
    [TestCase("Dispatch:MaxHops", "0", "*MaxHops*")]
    [TestCase("Api:MaxRequestBodyBytes", "10", "*MaxRequestBodyBytes*")]
    [TestCase("Auth:TenantClaim", " ", "Auth:TenantClaim must not be empty.")]
    [TestCase("Auth:Mode", "Introspection", "Auth:Introspection:Endpoint is required when Auth:Mode is Introspection.")]
    [TestCase("Telemetry:Otlp:Endpoint", "collector:4317", "Telemetry:Otlp:Endpoint must be an absolute http or https URL.")]
    [TestCase("Telemetry:Tracing:SampleRatio", "2", "Telemetry:Tracing:SampleRatio must be between 0 and 1.")]
    [TestCase("Health:TimeoutSeconds", "0", "*TimeoutSeconds*")]
    public void A_bad_value_stops_start_up_with_a_message_naming_the_setting(string setting, string value, string expected)
    {
        var factory = new DispatcherApiFactory(new Dictionary<string, string?> { [setting] = value });
        InvalidConfigurationException failure;
        try
        {
            var start = () => factory.CreateClient();

            failure = start.Should().Throw<InvalidConfigurationException>("the service must not start").Which;
        }
        finally
        {
            DisposeUnstarted(factory);
        }

        var lines = failure.Message.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be(StartupValidation.Heading);
        lines.Skip(1).Should().OnlyContain(line => line.StartsWith("  - ", StringComparison.Ordinal));
        failure.Failures.Should().Contain(line => Matches(line, expected), "the message names the setting");
        failure.Failures.Should().Contain(line => line.Contains(LastSegment(setting), StringComparison.Ordinal));
    }

    [Test]
    public async Task The_real_process_given_a_bad_environment_variable_exits_with_one_clear_message_and_no_stack_trace()
    {
        var (exitCode, output) = await RunServiceAsync(new Dictionary<string, string> { ["Messaging__RabbitMqUrl"] = "http://x" });

        exitCode.Should().Be(1);
        output.Trim().Should().Be($"{StartupValidation.Heading}\n  - Messaging:RabbitMqUrl must be an amqp:// or amqps:// URL.".ReplaceLineEndings());
    }

    [Test]
    public async Task The_real_process_names_a_bad_alias_of_the_original_service()
    {
        var (exitCode, output) = await RunServiceAsync(new Dictionary<string, string> { ["PORT"] = "web" });

        exitCode.Should().Be(1);
        output.Should().Contain("PORT (alias of urls) must be a port number between 1 and 65535, got 'web'.");
        output.Should().NotContain("   at ", "no stack trace");
    }

    /// <summary>
    /// Disposes a factory whose host never started. The factory stops the bus on disposal, and resolving a bus from
    /// the invalid configuration the test gave throws (e.g. an http:// broker URL); that is not what is tested here.
    /// </summary>
    private static void DisposeUnstarted(DispatcherApiFactory factory)
    {
        try
        {
            factory.Dispose();
        }
        catch (Exception e) when (e is ArgumentException or Microsoft.Extensions.Options.OptionsValidationException or InvalidOperationException)
        {
            TestContext.Out.WriteLine($"Disposing the unstarted host: {e.GetType().Name}");
        }
    }

    private static string LastSegment(string setting) => setting[(setting.LastIndexOf(':') + 1)..];

    private static bool Matches(string text, string pattern) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$");

    /// <summary>Runs the built service (<c>src/Dispatcher.Api/bin/…/Dispatcher.Api.dll</c>) with extra environment variables.</summary>
    private static async Task<(int ExitCode, string Output)> RunServiceAsync(IDictionary<string, string> environment)
    {
        var build = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        var dll = Path.Combine(SourceRoot.Path, "src", "Dispatcher.Api", "bin", build.Parent!.Name, build.Name, "Dispatcher.Api.dll");
        File.Exists(dll).Should().BeTrue($"the service is built at {dll}");
        var directory = Path.Combine(Path.GetTempPath(), "dispatcher-startup-tests", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--urls", "http://127.0.0.1:0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["Storage__Sqlite__Path"] = Path.Combine(directory, "dispatcher.db"),
                ["Reconciler__Enabled"] = "false",
                ["DOTNET_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
            },
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The service did not stop on invalid configuration within 60 s.");
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
