namespace Dispatcher.LoadTest;

/// <summary>The measurements of one scenario (one system, one fan-out, one table size) in one run.</summary>
public sealed class ScenarioResult
{
    public string System { get; set; } = string.Empty;

    public int Run { get; set; }

    public int FanOut { get; set; }

    public int ExtraConfigurations { get; set; }

    public int? LoadedConfigurations { get; set; }

    public double? SeedSeconds { get; set; }

    public long Events { get; set; }

    public long ExpectedDispatches { get; set; }

    public long UniqueDispatches { get; set; }

    public long Lost { get; set; }

    public long Duplicates { get; set; }

    public double Seconds { get; set; }

    public double EventsPerSecond { get; set; }

    public double DispatchesPerSecond { get; set; }

    public double P50Ms { get; set; }

    public double P95Ms { get; set; }

    public double P99Ms { get; set; }

    public double MaxMs { get; set; }

    public double CpuSeconds { get; set; }

    /// <summary>CPU seconds per wall second of the saturating phase (2.0 = both cores).</summary>
    public double CpuCores { get; set; }

    public double CpuMicrosecondsPerEvent { get; set; }

    /// <summary>The broker's CPU per event during the saturating phase (all <c>beam.smp</c> processes).</summary>
    public double BrokerCpuMicrosecondsPerEvent { get; set; }

    /// <summary>The whole machine's non-idle CPU per event during the saturating phase (everything running, noise included).</summary>
    public double MachineCpuMicrosecondsPerEvent { get; set; }

    public long PeakRssBytes { get; set; }

    public long RssBytes { get; set; }

    public double? HalfRateEventsPerSecond { get; set; }

    public long? HalfRateEvents { get; set; }

    public double? HalfRateP50Ms { get; set; }

    public double? HalfRateP95Ms { get; set; }

    public double? HalfRateP99Ms { get; set; }

    public double? HalfRateMaxMs { get; set; }

    public long? HalfRateLost { get; set; }

    /// <summary>/proc/loadavg before and after: how busy the machine was (other builds and tests run in parallel).</summary>
    public string LoadAverageBefore { get; set; } = string.Empty;

    public string LoadAverageAfter { get; set; } = string.Empty;

    public string? Error { get; set; }

    /// <summary>How many times the scenario ran (it is repeated when the broker restarted under it).</summary>
    public int Attempts { get; set; } = 1;

    /// <summary>Why earlier attempts were discarded.</summary>
    public List<string> Disturbances { get; set; } = [];
}

/// <summary>One invocation of <c>run</c>: the machine, the settings and every scenario.</summary>
public sealed class RunFile
{
    public string StartedAt { get; set; } = string.Empty;

    public string Mode { get; set; } = string.Empty;

    public int Events { get; set; }

    public string Machine { get; set; } = string.Empty;

    public List<ScenarioResult> Scenarios { get; set; } = [];
}
