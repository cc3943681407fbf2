using Dispatcher.Contracts;
using Dispatcher.Domain.Configurations;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatcher.Testing;

/// <summary>Registers the <see cref="DispatcherStandIn"/> on a MassTransit bus, typically the test harness.</summary>
/// <example>
/// <code>
/// await using var provider = new ServiceCollection()
///     .AddMassTransitTestHarness(bus =&gt;
///     {
///         bus.AddDispatcherStandIn(ThreeAppExample.Build());
///         bus.AddConsumer&lt;MyRecordDispatchedConsumer&gt;();   // the code under test
///     })
///     .BuildServiceProvider(true);
/// var harness = provider.GetRequiredService&lt;ITestHarness&gt;();
/// await harness.Start();
/// await harness.Bus.Publish(new RecordChangedFactory().Create(ThreeAppExample.SnazzyOut, RecordOperation.Create));
/// (await harness.Published.Any&lt;RecordDispatched&gt;(m =&gt; m.Context.Message.TargetFlowId == ThreeAppExample.WiceCreate)).Should().BeTrue();
/// </code>
/// </example>
public static class DispatcherStandInRegistration
{
    /// <summary>
    /// Adds a consumer of <see cref="RecordChanged"/> that publishes the <see cref="RecordDispatched"/> copies the real
    /// routing policy produces for <paramref name="configurations"/> (see <see cref="DispatcherStandIn"/> for what it
    /// leaves out), and registers that <see cref="DispatcherStandIn"/> as a singleton, so a test can resolve it to
    /// change configurations.
    /// </summary>
    /// <param name="bus">The bus registration, e.g. inside <c>AddMassTransitTestHarness</c>.</param>
    /// <param name="configurations">The dispatch configurations to route by.</param>
    /// <returns>The bus registration.</returns>
    public static IBusRegistrationConfigurator AddDispatcherStandIn(
        this IBusRegistrationConfigurator bus, params IEnumerable<Configuration> configurations)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(configurations);
        bus.AddSingleton(new DispatcherStandIn(configurations));
        bus.AddConsumer<DispatcherStandInConsumer>();
        return bus;
    }
}

/// <summary>Consumes <see cref="RecordChanged"/> and publishes the stand-in's copies.</summary>
internal sealed class DispatcherStandInConsumer(DispatcherStandIn standIn) : IConsumer<RecordChanged>
{
    public async Task Consume(ConsumeContext<RecordChanged> context)
    {
        var message = context.Message;
        var correlationId = context.CorrelationId ?? message.EventId;
        var eventIdentity = message.EventId.ToString("N");
        foreach (var copy in standIn.Dispatch(message))
        {
            var messageId = NameBasedGuid.Create($"{eventIdentity}\n{copy.TargetFlowId}");
            await context.Publish(copy, publish =>
            {
                publish.MessageId = messageId;
                publish.CorrelationId = correlationId;
            });
        }
    }
}
