namespace Dispatcher.Infrastructure.FlowRepository;

/// <summary>
/// The Smart Data Framework (SDF) adapter nodes of generated flows (section <c>FlowRepository:Sdf</c>), and the component of
/// the placeholder flow created before the real graph is known. The original service's environment variables were
/// named from the hub's point of view and read inverted; the names here say what each function does.
/// </summary>
internal sealed class SdfOptions
{
    public const string SectionName = "FlowRepository:Sdf";

    /// <summary>The SDF adapter's component id (the original's <c>SDF_ID</c>).</summary>
    public string ComponentId { get; set; } = "5d2484d2a422ca001bda5690";

    /// <summary>
    /// The function that publishes an app's records to the hub: the last node of an <b>outbound</b> flow
    /// (the original's <c>SDF_INBOUND</c>).
    /// </summary>
    public string PublishFunction { get; set; } = "sendMessageToOih";

    /// <summary>
    /// The function that receives dispatched records: the first node of an <b>inbound</b> flow
    /// (the original's <c>SDF_OUTBOUND</c>).
    /// </summary>
    public string ReceiveFunction { get; set; } = "receiveEvents";

    /// <summary>
    /// The function that reports the target app's record id back: the last node of an inbound flow
    /// (the original's <c>SDF_RECORD</c>).
    /// </summary>
    public string RecordFunction { get; set; } = "processRecordUid";

    /// <summary>
    /// The broker URL written into every SDF node as <c>fields.amqpUrl</c>; empty (the default) omits the field. Never the
    /// dispatcher's own broker URL: flow fields are readable by the tenant's users, and the original leaked its
    /// broker credentials that way (it copied <c>QUEUE_URL</c>).
    /// </summary>
    public string? AmqpUrl { get; set; }

    /// <summary>
    /// The component of the one-node placeholder flow that is created first to obtain the flow id (hard-coded in the
    /// original).
    /// </summary>
    public string PlaceholderComponentId { get; set; } = "5f895922926f72cf78353272";
}
