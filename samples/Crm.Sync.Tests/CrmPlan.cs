using Dispatcher.Contracts;
using Dispatcher.Domain.Configurations;
using Dispatcher.Testing;

namespace Crm.Sync.Tests;

/// <summary>
/// The worker's <see cref="CrmDispatchPlan"/> as a Dispatcher.Domain configuration (Dispatcher.Testing's builders), with
/// fixed flow ids, and the <see cref="CrmDispatchFlows"/> the worker would read from the Dispatcher's answer.
/// </summary>
public static class CrmPlan
{
    public const string SourceFlow = "crm-out";

    public static string TargetFlow(string applicationUid, RecordOperation operation) =>
        $"{applicationUid}-in-{operation.ToString().ToLowerInvariant()}";

    public static Configuration Build()
    {
        var configuration = new DispatchConfigurationBuilder()
            .ForTenant("crm-team")
            .Named("CRM contacts")
            .With(new AppBuilder(CrmDispatchPlan.CrmUid, "CRM").Outbound(CrmDispatchPlan.ContactSchema, SourceFlow).InboundInactive());
        foreach (var partner in CrmDispatchPlan.Partners)
        {
            var app = new AppBuilder(partner.ApplicationUid, partner.Name).OutboundInactive();
            foreach (var operation in partner.Operations)
            {
                app.Inbound(CrmDispatchPlan.ContactSchema, ToDomain(operation), TargetFlow(partner.ApplicationUid, operation));
            }

            configuration.With(app);
        }

        return configuration.Build();
    }

    public static CrmDispatchFlows Flows() => new(
        "crm-configuration",
        SourceFlow,
        CrmDispatchPlan.Partners
            .SelectMany(partner => partner.Operations.Select(operation => (partner.ApplicationUid, operation)))
            .ToDictionary(t => TargetFlow(t.ApplicationUid, t.operation), t => new DispatchTarget(t.ApplicationUid, t.operation)));

    private static Operation ToDomain(RecordOperation operation) => operation switch
    {
        RecordOperation.Create => Operation.Create,
        RecordOperation.Update => Operation.Update,
        RecordOperation.Delete => Operation.Delete,
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };
}
