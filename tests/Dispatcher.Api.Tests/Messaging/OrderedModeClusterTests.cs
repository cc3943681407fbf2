using Dispatcher.TestSupport.RabbitMq;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// Issue #16, item 3(c) on the three-node cluster (build/cluster.sh) with quorum queues: dispatcher A on node c1,
/// B on node c2, the test's producer and collector on node c3; A, the active consumer of the input queue and of every
/// partition queue, is killed (SIGKILL) right after a burst. 0 lost, duplicates only with the same id, 0 per-record
/// order violations. Runs only with <c>DISPATCHER_CLUSTER=1</c> (build/cluster-tests.sh).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class OrderedModeClusterTests : ClusterFixture
{

    [Test]
    public async Task In_ordered_mode_with_quorum_queues_per_record_order_holds_when_the_active_instance_is_killed()
    {
        var brokers = new OrderedRunBrokers(NodeUrl(1), NodeUrl(2), NodeUrl(3), "Quorum");

        var result = await OrderedModeLossTests.RunAsync(Directory, "PerRecord", kill: true, brokers);

        result.Report.Lost.Should().Be(0, "every dispatch must arrive ({0})", result.Report);
        result.Report.Unknown.Should().Be(0, "duplicates must carry the id of their original ({0})", result.Report);
        result.Report.Violations.Should().Be(0, "per-record order must hold across the kill ({0})", result.Report);
        result.ErrorQueue.Should().BeLessThanOrEqualTo(0, "no event may end in the error queue");
    }
}
