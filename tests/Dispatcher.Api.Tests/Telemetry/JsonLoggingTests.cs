using Dispatcher.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Dispatcher.Api.Tests.Telemetry;

/// <summary><c>Logging:Console:FormatterName=json</c> gives JSON lines with scopes (trace and correlation ids) and UTC timestamps.</summary>
public sealed class JsonLoggingTests
{
    [Test]
    public void The_json_console_formatter_is_selected_by_configuration_and_includes_scopes_and_utc_timestamps()
    {
        using var factory = new DispatcherApiFactory(new Dictionary<string, string?> { ["Logging:Console:FormatterName"] = "json" });

        var console = factory.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        var json = factory.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue;

        console.FormatterName.Should().Be("json");
        json.IncludeScopes.Should().BeTrue();
        json.UseUtcTimestamp.Should().BeTrue();
        json.TimestampFormat.Should().Be("yyyy-MM-ddTHH:mm:ss.fffZ");
    }

    [Test]
    public void Explicit_formatter_options_still_win_over_the_defaults()
    {
        using var factory = new DispatcherApiFactory(new Dictionary<string, string?>
        {
            ["Logging:Console:FormatterName"] = "json",
            ["Logging:Console:FormatterOptions:IncludeScopes"] = "false",
        });

        factory.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue.IncludeScopes.Should().BeFalse();
    }
}
