using Dispatcher.Client.Models;
using Dispatcher.Contracts;

namespace Crm.Sync;

/// <summary>A target flow of the CRM's configuration: which partner receives what through it.</summary>
public sealed record DispatchTarget(string ApplicationUid, RecordOperation Operation);

/// <summary>The flow ids the Dispatcher gave the CRM's configuration: the CRM's source flow and the partners' flows.</summary>
public sealed record CrmDispatchFlows(string ConfigurationId, string SourceFlowId, IReadOnlyDictionary<string, DispatchTarget> Targets)
{
    /// <summary>Reads the flows from the configuration the Dispatcher answered with.</summary>
    public static CrmDispatchFlows From(DispatchConfiguration configuration)
    {
        var crm = configuration.Applications.Single(app => app.ApplicationUid == CrmDispatchPlan.CrmUid);
        var source = crm.Outbound.Flows.Single(flow => flow.SchemaUri == CrmDispatchPlan.ContactSchema).FlowId
            ?? throw new InvalidOperationException("The CRM's outbound connection has no flow.");
        var targets = new Dictionary<string, DispatchTarget>(StringComparer.Ordinal);
        foreach (var app in configuration.Applications.Where(app => app.ApplicationUid != CrmDispatchPlan.CrmUid && app.Inbound.Active))
        {
            foreach (var flow in app.Inbound.Flows.Where(flow => flow.FlowId is not null))
            {
                targets[flow.FlowId!] = new DispatchTarget(app.ApplicationUid, Enum.Parse<RecordOperation>(flow.Operation!, ignoreCase: true));
            }
        }

        return new CrmDispatchFlows(configuration.Id, source, targets);
    }
}

/// <summary>The flows once the configuration exists (set by <see cref="DispatchSetup"/>, or by a test).</summary>
public sealed class DispatchFlowsState
{
    private readonly TaskCompletionSource<CrmDispatchFlows> _flows = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set(CrmDispatchFlows flows) => _flows.TrySetResult(flows);

    public Task<CrmDispatchFlows> WhenReady(CancellationToken cancellationToken) => _flows.Task.WaitAsync(cancellationToken);
}
