using System.Reflection;
using Dispatcher.Application.Common.Telemetry;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Dispatcher.Api.Telemetry;

/// <summary>
/// OpenTelemetry for the service (section <c>Telemetry</c>, see docs/operations.md):
/// <list type="bullet">
/// <item>traces from ASP.NET Core (probes and scrapes left out), outgoing HTTP (Flow Repository, IAM), the application's
/// own spans (<see cref="DispatcherActivities"/>), MassTransit (<c>MassTransit</c>) and RabbitMQ.Client;</item>
/// <item>metrics from the <see cref="DispatcherMetrics.MeterName"/> meter, MassTransit, ASP.NET Core, HttpClient and
/// the .NET runtime;</item>
/// <item>a Prometheus scrape endpoint when <c>Telemetry:Prometheus:Enabled</c>, and OTLP export of traces, metrics and
/// logs when <c>Telemetry:Otlp:Endpoint</c> is set.</item>
/// </list>
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>MassTransit's activity source and meter.</summary>
    public const string MassTransitSource = "MassTransit";

    /// <summary>RabbitMQ.Client's activity sources (publisher and subscriber).</summary>
    public const string RabbitMqClientSources = "RabbitMQ.Client.*";

    /// <summary>Paths that are neither traced: probes and scrapes run every few seconds and mean nothing.</summary>
    private static readonly string[] QuietPaths = ["/health", "/healthcheck", "/metrics"];

    /// <summary>The service's version, as reported in telemetry and <c>/healthcheck</c>.</summary>
    public static string ServiceVersion { get; } = ReadVersion();

    /// <summary>Registers tracing, metrics and the exporters chosen by configuration.</summary>
    public static IServiceCollection AddDispatcherTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(TelemetryOptions.Section);
        services.AddOptions<TelemetryOptions>()
            .Bind(section)
            .ValidateDataAnnotations()
            .Validate(o => !o.Otlp.Enabled || IsHttpUrl(o.Otlp.Endpoint), $"{TelemetryOptions.Section}:Otlp:Endpoint must be an absolute http or https URL.")
            .Validate(o => Enum.IsDefined(o.Otlp.Protocol), $"{TelemetryOptions.Section}:Otlp:Protocol must be Grpc or HttpProtobuf.")
            .Validate(o => o.Prometheus.Path?.StartsWith('/') == true, $"{TelemetryOptions.Section}:Prometheus:Path must start with '/'.")
            // Data annotations are not validated in nested sections.
            .Validate(o => o.Tracing.SampleRatio is null or (>= 0 and <= 1), $"{TelemetryOptions.Section}:Tracing:SampleRatio must be between 0 and 1.")
            .ValidateOnStart();

        // What gets registered is decided now; the values are validated on start (an invalid endpoint exports nothing).
        var options = section.Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = options.Otlp.Enabled && IsHttpUrl(options.Otlp.Endpoint) ? options.Otlp : null;

        services.AddHostedService<FlowStartMetrics>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: options.ServiceName, serviceVersion: ServiceVersion, serviceInstanceId: Environment.MachineName));

        telemetry.WithTracing(tracing =>
        {
            tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(Math.Clamp(options.Tracing.EffectiveSampleRatio(exported: otlp is not null), 0, 1))))
                .AddSource(DispatcherActivities.SourceName, MassTransitSource, RabbitMqClientSources)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsQuiet(context.Request.Path))
                .AddHttpClientInstrumentation();
            if (otlp is not null)
            {
                tracing.AddOtlpExporter(exporter => Configure(exporter, otlp, "v1/traces"));
            }
        });

        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(DispatcherMetrics.MeterName, MassTransitSource)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation();
            if (options.Prometheus.Enabled)
            {
                metrics.AddPrometheusExporter();
            }

            if (otlp is not null)
            {
                metrics.AddOtlpExporter(exporter => Configure(exporter, otlp, "v1/metrics"));
            }
        });

        if (otlp is { ExportLogs: true })
        {
            telemetry.WithLogging(
                logging => logging.AddOtlpExporter(exporter => Configure(exporter, otlp, "v1/logs")),
                logging =>
                {
                    logging.IncludeScopes = true;
                    logging.IncludeFormattedMessage = true;
                });
        }

        services.AddJsonConsoleDefaults();
        return services;
    }

    /// <summary>Maps the Prometheus scrape endpoint when it is enabled.</summary>
    public static WebApplication UseDispatcherTelemetry(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        if (options.Prometheus.Enabled)
        {
            app.MapPrometheusScrapingEndpoint(options.Prometheus.Path);
        }

        return app;
    }

    /// <summary>
    /// Defaults of the JSON console formatter (<c>Logging:Console:FormatterName=json</c>): scopes on (they carry the
    /// trace, span and correlation ids), UTC ISO-8601 timestamps. Registered first, so <c>Logging:Console:FormatterOptions</c>
    /// still overrides them.
    /// </summary>
    private static void AddJsonConsoleDefaults(this IServiceCollection services) =>
        services.Insert(0, ServiceDescriptor.Singleton<IConfigureOptions<JsonConsoleFormatterOptions>>(
            new ConfigureNamedOptions<JsonConsoleFormatterOptions>(Options.DefaultName, json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            })));

    private static void Configure(OtlpExporterOptions exporter, TelemetryOptions.OtlpSettings settings, string signalPath)
    {
        var endpoint = new Uri(settings.Endpoint!, UriKind.Absolute);
        if (settings.Protocol == OtlpProtocol.HttpProtobuf)
        {
            // Set in code, the endpoint is used as is: the signal's path must be added here.
            exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
            exporter.Endpoint = new Uri(new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/"), signalPath);
        }
        else
        {
            exporter.Protocol = OtlpExportProtocol.Grpc;
            exporter.Endpoint = endpoint;
        }

        if (!string.IsNullOrWhiteSpace(settings.Headers))
        {
            exporter.Headers = settings.Headers;
        }
    }

    private static bool IsQuiet(PathString path) =>
        QuietPaths.Any(quiet => path.StartsWithSegments(quiet, StringComparison.OrdinalIgnoreCase));

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static string ReadVersion()
    {
        var assembly = typeof(TelemetryExtensions).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
