using Dispatcher.Application.Dispatching;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Tests.Dispatching;

public sealed class MessageIdsTests
{
    // Pinned with the original implementation (SHA-256 of the UTF-8 of $"{identity}\n{flowId}"): dispatch ids must never
    // change, or consumers would no longer deduplicate a redelivery across a dispatcher upgrade.
    [TestCase("event-1", "65f0c1aa0000000000000001", "58002b30-2223-8202-b7d2-f714d4f31fb0")]
    [TestCase("0f8fad5bd9cb469fa16570867728950e", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "931d064c-877c-85d0-9148-202195f69390")]
    [TestCase("événement-✓-𝄞", "flow_1-X", "846a2d2f-243c-85e0-88e9-745e25c8cf4d")]
    [TestCase("", "f", "e24efa3c-e30d-8635-b2bf-ba27ce9e1688")]
    public void Dispatch_ids_are_pinned(string identity, string flowId, string expected) =>
        MessageIds.ForDispatch(identity, FlowId.Parse(flowId)).Should().Be(Guid.Parse(expected));

    [Test]
    public void A_long_identity_gives_the_same_id_as_before()
    {
        // Longer than any stack buffer: exercises the pooled path.
        MessageIds.ForDispatch(new string('x', 600), FlowId.Parse("65f0c1aa0000000000000002"))
            .Should().Be(Guid.Parse("ed003927-5726-861e-9615-f4ee97cea45a"));
    }

    [Test]
    public void Ids_are_version_8_rfc_variant()
    {
        var id = MessageIds.ForDispatch("event-1", FlowId.Parse("65f0c1aa0000000000000001")).ToString();

        id[14].Should().Be('8');
        id[19].Should().BeOneOf('8', '9', 'a', 'b');
    }
}
