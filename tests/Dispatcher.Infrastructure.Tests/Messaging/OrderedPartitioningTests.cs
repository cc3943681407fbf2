using System.Text;
using Dispatcher.Infrastructure.Messaging;
using Dispatcher.Infrastructure.Messaging.EventBus;
using Dispatcher.Infrastructure.Messaging.Ordering;

namespace Dispatcher.Infrastructure.Tests.Messaging;

/// <summary>The re-keying of ordered mode: which partition an event goes to, and the names and arguments of the partition queues.</summary>
public sealed class OrderedPartitioningTests
{
    private static OihEvent Event(string meta) => OihEventReader.Parse(Encoding.UTF8.GetBytes(
        """{"headers":{"name":"data-hub.record.updated"},"payload":{"meta":""" + meta + ""","data":{"x":1}}}"""));

    [Test]
    public void Events_of_one_record_go_to_one_partition_whatever_else_they_carry()
    {
        var create = Event("""{"flowId":"f1","recordUid":"a","oihUid":"rec-1"}""");
        var update = Event("""{"flowId":"f2","recordUid":"b","oihUid":"rec-1","refs":[]}""");

        OrderedPartitioning.PartitionOf(update, 16).Should().Be(OrderedPartitioning.PartitionOf(create, 16));
        OrderedPartitioning.PartitionOf(create, 16).Should().Be(OrderedPartitioning.PartitionOf("rec-1", 16), "the key is the record's oihUid");
    }

    [Test]
    public void Without_an_oih_uid_the_key_is_the_source_flow_and_record_uid()
    {
        OrderedPartitioning.PartitionOf(Event("""{"flowId":"f1","recordUid":"a"}"""), 1000)
            .Should().Be(OrderedPartitioning.PartitionOf("f1/a", 1000));
    }

    [Test]
    public void Malformed_events_all_go_to_the_partition_of_the_empty_key_where_they_fail_with_their_reason()
    {
        OrderedPartitioning.PartitionOf(OihEventReader.Parse("null"u8), 16).Should().Be(OrderedPartitioning.PartitionOf(string.Empty, 16));
    }

    [Test]
    public void The_hash_is_fnv1a_and_stable_across_processes()
    {
        // FNV-1a's offset basis 0x811C9DC5 for the empty key; "a" → 0xE40C292C. Fixed values: a change would re-key
        // records that already sit in partition queues.
        OrderedPartitioning.PartitionOf(string.Empty, 16).Should().Be(0x5);
        OrderedPartitioning.PartitionOf("a", 1 << 16).Should().Be(0x292C);
    }

    [Test]
    public void Records_spread_evenly_over_the_partitions()
    {
        var counts = new int[16];
        for (var i = 0; i < 16_000; i++)
        {
            counts[OrderedPartitioning.PartitionOf($"65f{i:x21}", 16)]++;
        }

        counts.Should().OnlyContain(c => c > 800 && c < 1200, "each partition gets about 1,000 of 16,000 records ({0})", string.Join(", ", counts));
    }

    [TestCase(0)]
    [TestCase(-1)]
    public void Fewer_than_one_partition_is_refused(int partitions)
    {
        var choose = () => OrderedPartitioning.PartitionOf("x", partitions);

        choose.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Test]
    public void Partition_queues_are_named_after_the_input_queue()
    {
        OrderedPartitioning.QueueNames(new MessagingOptions { Queue = "dispatcher-service", OrderedPartitions = 3 })
            .Should().Equal("dispatcher-service.ordered-00", "dispatcher-service.ordered-01", "dispatcher-service.ordered-02");
    }

    [Test]
    public void Ordered_queues_have_single_active_consumer_and_the_configured_type()
    {
        OrderedPartitioning.OrderedQueueArguments(QueueType.Classic).Should().BeEquivalentTo(
            new Dictionary<string, object?> { ["x-single-active-consumer"] = true });
        OrderedPartitioning.OrderedQueueArguments(QueueType.Quorum).Should().BeEquivalentTo(
            new Dictionary<string, object?> { ["x-single-active-consumer"] = true, ["x-queue-type"] = "quorum" });
    }

    [Test]
    public void The_start_up_check_expects_single_active_consumer_only_on_the_input_and_partition_queues_in_ordered_mode()
    {
        var ordered = new MessagingOptions { Queue = "q", OrderedPartitions = 2, Ordering = MessageOrdering.PerRecord };
        var none = new MessagingOptions { Queue = "q", OrderedPartitions = 2 };

        OrderedQueueArguments.For(ordered, "q").Should().ContainKey("x-single-active-consumer");
        OrderedQueueArguments.For(ordered, "q.ordered-01").Should().ContainKey("x-single-active-consumer");
        OrderedQueueArguments.For(ordered, "q_error").Should().BeNull("the error queue is the same in both modes");
        OrderedQueueArguments.For(none, "q").Should().BeNull();
        OrderedQueueArguments.ExtraQueues(ordered).Should().Equal("q.ordered-00", "q.ordered-01");
        OrderedQueueArguments.ExtraQueues(none).Should().BeEmpty();
    }
}
