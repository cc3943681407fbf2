using System.Collections.Concurrent;

namespace Dispatcher.Application.Dispatching;

/// <summary>How far one copy (by its deterministic message id) has got.</summary>
public enum DispatchStage
{
    /// <summary>The copy was confirmed on its target flow's destination (<c>dispatch.&lt;flowId&gt;</c>).</summary>
    Delivered = 1,

    /// <summary>The copy was also announced (the <c>RecordDispatched</c> contract was confirmed).</summary>
    Announced = 2,
}
