using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Dispatcher.Api.Tests.Telemetry;

/// <summary>An in-memory trace exporter: every finished span the host's tracer provider exports.</summary>
public sealed class InMemorySpanExporter : BaseExporter<Activity>
{
    private readonly ConcurrentQueue<Activity> _spans = new();

    public IReadOnlyList<Activity> Spans => [.. _spans];

    /// <summary>Adds this exporter to the host's tracer provider (for <c>DispatcherApiFactory</c>'s service hook).</summary>
    public void Register(IServiceCollection services) =>
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new SimpleActivityExportProcessor(this)));

    public override ExportResult Export(in Batch<Activity> batch)
    {
        foreach (var activity in batch)
        {
            _spans.Enqueue(activity);
        }

        return ExportResult.Success;
    }

    /// <summary>Waits until <paramref name="predicate"/> holds for the exported spans.</summary>
    public async Task<IReadOnlyList<Activity>> WaitForAsync(Func<IReadOnlyList<Activity>, bool> predicate, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var spans = Spans;
            if (predicate(spans) || watch.Elapsed > timeout)
            {
                return spans;
            }

            await Task.Delay(50);
        }
    }
}

/// <summary>A logger provider keeping every entry at every level, with its scopes and exception, as text.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    /// <summary>Adds this provider at the Trace level, whatever the configured levels (for the factory's service hook).</summary>
    public void Register(IServiceCollection services) => services.AddLogging(logging =>
    {
        logging.AddProvider(this);
        logging.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace);
    });

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<string>();
            owner._scopes.ForEachScope((scope, list) => list.Add(Describe(scope)), scopes);
            owner._entries.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), Describe(state), exception?.ToString(), scopes));
        }

        private static string Describe(object? value) => value switch
        {
            IEnumerable<KeyValuePair<string, object?>> pairs => string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")),
            _ => value?.ToString() ?? string.Empty,
        };
    }
}

/// <summary>One captured log entry; <see cref="AllText"/> is everything a sink could write.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string Message, string State, string? Exception, IReadOnlyList<string> Scopes)
{
    public string AllText => string.Join("\n", [Category, Message, State, Exception ?? string.Empty, .. Scopes]);
}
