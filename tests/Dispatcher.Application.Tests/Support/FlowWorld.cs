using ConfigurationRoot = Microsoft.Extensions.Configuration.ConfigurationBuilder;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.Reconciliation;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Ports;
using Dispatcher.Application.Routing;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Dispatcher.Testing;
using IConfiguration = Microsoft.Extensions.Configuration.IConfiguration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Dispatcher.Application.Tests.Support;

/// <summary>
/// The application layer wired as in production (<see cref="DependencyInjection.AddApplication"/>, scopes
/// validated) around fakes: a Flow Repository (<see cref="FakeFlowRepository"/>), an in-memory flow work queue that
/// the configuration repository writes to in the same call as the change, a fake clock, and mocks for the broker
/// destinations and the change notifier. Nothing runs in the background: a test drives the runner itself
/// (<see cref="RunDueAsync"/>), or starts its loop (<see cref="StartRunnerLoop"/>).
/// </summary>
internal sealed class FlowWorld : IAsyncDisposable
{
    private readonly List<string> _log = [];
    private readonly Lock _gate = new();
    private readonly ServiceProvider _services;
    private readonly AsyncServiceScope _scope;
    private CancellationTokenSource? _loopStop;
    private Task? _loop;

    public FlowWorld(Action<FlowProvisioningOptions>? provisioning = null, Action<ReconcilerOptions>? reconciler = null)
    {
        Time = new FakeTimeProvider(DispatchConfigurationBuilder.Now);
        Flows = new FakeFlowRepository(Time);
        Queue = new InMemoryFlowWorkQueue();
        Routing = new RoutingTable();

        Repository = new Mock<IConfigurationRepository>();
        Repository.Setup(r => r.AddAsync(It.IsAny<Configuration>(), It.IsAny<IReadOnlyCollection<FlowWork>>(), It.IsAny<CancellationToken>()))
            .Returns((Configuration c, IReadOnlyCollection<FlowWork> work, CancellationToken _) => Store("Add", c, work));
        Repository.Setup(r => r.UpdateAsync(It.IsAny<Configuration>(), It.IsAny<IReadOnlyCollection<FlowWork>>(), It.IsAny<CancellationToken>()))
            .Returns((Configuration c, IReadOnlyCollection<FlowWork> work, CancellationToken _) => Store("Update", c, work));
        Repository.Setup(r => r.DeleteAsync(It.IsAny<Configuration>(), It.IsAny<IReadOnlyCollection<FlowWork>>(), It.IsAny<CancellationToken>()))
            .Returns((Configuration c, IReadOnlyCollection<FlowWork> work, CancellationToken _) => Store("Delete", c, work, persisted: false));

        Destinations = new Mock<IDispatchDestinations>();
        Destinations.Setup(d => d.RemoveAsync(It.IsAny<FlowId>(), It.IsAny<CancellationToken>()))
            .Returns((FlowId flowId, CancellationToken _) => Log($"destination.remove {flowId}"));
        Destinations.Setup(d => d.EnsureAsync(It.IsAny<FlowId>(), It.IsAny<CancellationToken>()))
            .Returns((FlowId flowId, CancellationToken _) => Log($"destination.ensure {flowId}"));
        Notifier = new Mock<IConfigurationChangeNotifier>();
        Notifier.Setup(n => n.NotifyAsync(It.IsAny<Configuration>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .Returns((Configuration c, bool deleted, CancellationToken _) => Log(deleted ? $"notify.deleted {c.Id}" : $"notify {c.Id}"));

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationRoot().Build());
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddApplication();
        services.Replace(ServiceDescriptor.Singleton(Routing));
        services.AddSingleton(Repository.Object);
        services.AddSingleton<IFlowProvisioner>(Flows);
        services.AddSingleton<IFlowWorkQueue>(Queue);
        services.AddSingleton(Destinations.Object);
        services.AddSingleton(Notifier.Object);
        services.Configure<FlowProvisioningOptions>(o =>
        {
            o.MaxParallelism = 1; // creates in a deterministic order
            o.WorkParallelism = 4;
            o.AnswerWait = TimeSpan.Zero; // answer at once; tests that wait say so
            o.StopWaitTimeout = TimeSpan.FromSeconds(5);
            o.WorkPollInterval = TimeSpan.FromHours(1); // only a wake starts a round of the loop
            provisioning?.Invoke(o);
        });
        services.Configure<ReconcilerOptions>(o => reconciler?.Invoke(o));
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        _scope = _services.CreateAsyncScope();
    }

    public FakeTimeProvider Time { get; }

    public FakeFlowRepository Flows { get; }

    public InMemoryFlowWorkQueue Queue { get; }

    public RoutingTable Routing { get; }

    public Mock<IConfigurationRepository> Repository { get; }

    public Mock<IDispatchDestinations> Destinations { get; }

    public Mock<IConfigurationChangeNotifier> Notifier { get; }

    /// <summary>Repository writes, notifications and destination calls, in order ("repository.Update", "notify x", "destination.remove x").</summary>
    public IReadOnlyList<string> History
    {
        get
        {
            lock (_gate)
            {
                return [.. _log];
            }
        }
    }

    public FlowWorkRunner Runner => _services.GetRequiredService<FlowWorkRunner>();

    public FlowActivation Activation => _services.GetRequiredService<FlowActivation>();

    public ConfigurationWriter Writer => _scope.ServiceProvider.GetRequiredService<ConfigurationWriter>();

    public FlowReconciler Reconciler => _scope.ServiceProvider.GetRequiredService<FlowReconciler>();

    public T Get<T>()
        where T : notnull => _scope.ServiceProvider.GetRequiredService<T>();

    public Task<int> RunDueAsync() => Runner.RunDueAsync(CancellationToken.None);

    /// <summary>Rounds of the runner (advancing the clock by <paramref name="step"/> after each) until no work is left.</summary>
    public async Task<int> RunUntilIdleAsync(TimeSpan step, int maxRounds = 50)
    {
        for (var round = 1; round <= maxRounds; round++)
        {
            await RunDueAsync();
            if (Queue.Entries.Count == 0)
            {
                return round;
            }

            Time.Advance(step);
        }

        throw new AssertionException($"Flow work still pending after {maxRounds} rounds: {string.Join(", ", Queue.Entries.Values)}");
    }

    /// <summary>Starts <see cref="FlowWorkRunner.RunAsync"/>; returns once it waits for a wake (its first round found nothing).</summary>
    public void StartRunnerLoop()
    {
        _loopStop = new CancellationTokenSource();
        _loop = Runner.RunAsync(_loopStop.Token);
    }

    /// <summary>Advances the clock in steps until <paramref name="task"/> has completed (a bounded number of steps, real time bounded too).</summary>
    public async Task<T> AdvanceUntilDoneAsync<T>(Task<T> task, TimeSpan step, int maxSteps = 1000)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            Time.Advance(step);
            await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(5)));
        }

        return await task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (_loopStop is not null)
        {
            await _loopStop.CancelAsync();
            try
            {
                await _loop!.WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }

            _loopStop.Dispose();
        }

        await _scope.DisposeAsync();
        await _services.DisposeAsync();
    }

    private Task Store(string source, Configuration configuration, IReadOnlyCollection<FlowWork> work, bool persisted = true)
    {
        Log($"repository.{source}");
        Queue.Write(source, work);
        if (persisted)
        {
            configuration.MarkPersisted();
        }

        return Task.CompletedTask;
    }

    private Task Log(string entry)
    {
        lock (_gate)
        {
            _log.Add(entry);
        }

        return Task.CompletedTask;
    }
}
