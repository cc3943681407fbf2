using System.ComponentModel.DataAnnotations;

namespace Dispatcher.Api.Telemetry;

/// <summary>How the OTLP exporter talks to the collector.</summary>
public enum OtlpProtocol
{
    /// <summary>OTLP over gRPC (the collector's port 4317).</summary>
    Grpc = 1,

    /// <summary>OTLP over HTTP with protobuf bodies (port 4318; <c>/v1/traces</c>, … are appended to the endpoint).</summary>
    HttpProtobuf = 2,
}

/// <summary>Settings of traces, metrics and their exporters (section <c>Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>The <c>service.name</c> resource attribute of every trace, metric and exported log.</summary>
    [Required]
    public string ServiceName { get; set; } = "dispatcher-service";

    /// <summary>The Prometheus scrape endpoint.</summary>
    public PrometheusSettings Prometheus { get; set; } = new();

    /// <summary>The OTLP exporter.</summary>
    public OtlpSettings Otlp { get; set; } = new();

    /// <summary>Trace sampling.</summary>
    public TracingSettings Tracing { get; set; } = new();

    /// <summary>Section <c>Telemetry:Prometheus</c>.</summary>
    public sealed class PrometheusSettings
    {
        /// <summary>Serve the metrics in Prometheus text format at <see cref="Path"/> (unauthenticated).</summary>
        public bool Enabled { get; set; }

        /// <summary>The scrape path.</summary>
        [Required]
        public string Path { get; set; } = "/metrics";
    }

    /// <summary>Section <c>Telemetry:Otlp</c>.</summary>
    public sealed class OtlpSettings
    {
        /// <summary>The collector, e.g. <c>http://otel-collector:4317</c>; empty (the default) exports nothing.</summary>
        public string? Endpoint { get; set; }

        /// <summary><see cref="OtlpProtocol.Grpc"/> (default) or <see cref="OtlpProtocol.HttpProtobuf"/>.</summary>
        public OtlpProtocol Protocol { get; set; } = OtlpProtocol.Grpc;

        /// <summary>Extra request headers, <c>key=value</c> pairs separated by commas (e.g. an API key). Never logged.</summary>
        public string? Headers { get; set; }

        /// <summary>Also export logs over OTLP (traces and metrics always are once <see cref="Endpoint"/> is set).</summary>
        public bool ExportLogs { get; set; } = true;

        public bool Enabled => !string.IsNullOrWhiteSpace(Endpoint);
    }

    /// <summary>Section <c>Telemetry:Tracing</c>.</summary>
    public sealed class TracingSettings
    {
        /// <summary>
        /// The share of new traces recorded (0 to 1); a trace continued from a caller follows the caller's decision.
        /// Unset: 1 when traces are exported (<see cref="OtlpSettings.Endpoint"/>), else 0 — spans nobody exports cost
        /// about a fifth of the CPU per event (docs/benchmarks.md); trace context is propagated and logged either way.
        /// </summary>
        [Range(0.0, 1.0)]
        public double? SampleRatio { get; set; }

        /// <summary>The ratio in force: <see cref="SampleRatio"/>, or its default for whether traces are exported.</summary>
        public double EffectiveSampleRatio(bool exported) => SampleRatio ?? (exported ? 1.0 : 0.0);
    }
}
