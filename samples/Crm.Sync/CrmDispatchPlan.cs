using Dispatcher.Client.Models;
using Dispatcher.Contracts;

namespace Crm.Sync;

/// <summary>A partner system that receives the CRM's contacts, and the operations it wants.</summary>
public sealed record PartnerApp(string ApplicationUid, string Name, IReadOnlyList<RecordOperation> Operations);

/// <summary>
/// The dispatch configuration the CRM team needs: the CRM sends contacts (one outbound flow), the ERP receives every
/// change, the newsletter tool only new and deleted contacts. The worker creates it through Dispatcher.Client; the unit
/// tests build the same plan with Dispatcher.Testing's builders.
/// </summary>
public static class CrmDispatchPlan
{
    public const string ContactSchema = "http://metadata.example.com/api/v1/domains/crm/schemas/contact";
    public const string CrmUid = "crm";
    public const string ErpUid = "erp";
    public const string NewsletterUid = "newsletter";
    public const string AdapterComponentId = "5d2484d2a422ca001bda5690";

    public static IReadOnlyList<PartnerApp> Partners { get; } =
    [
        new(ErpUid, "ERP", [RecordOperation.Create, RecordOperation.Update, RecordOperation.Delete]),
        new(NewsletterUid, "Newsletter", [RecordOperation.Create, RecordOperation.Delete]),
    ];

    /// <summary>The configuration as the Dispatcher's API takes it.</summary>
    public static DispatchConfigurationInput Configuration(string name) => new()
    {
        Name = name,
        DataModel = "crm",
        Applications =
        [
            new DispatchAppInput
            {
                ApplicationName = "CRM",
                ApplicationUid = CrmUid,
                AdapterComponentId = AdapterComponentId,
                Outbound = new DispatchSideInput
                {
                    Active = true,
                    Flows = [new DispatchConnectionInput { SchemaUri = ContactSchema, AdapterAction = "getContacts" }],
                },
                Inbound = new DispatchSideInput { Active = false, Flows = [] },
            },
            .. Partners.Select(partner => new DispatchAppInput
            {
                ApplicationName = partner.Name,
                ApplicationUid = partner.ApplicationUid,
                AdapterComponentId = AdapterComponentId,
                Outbound = new DispatchSideInput { Active = false, Flows = [] },
                Inbound = new DispatchSideInput
                {
                    Active = true,
                    Flows = [.. partner.Operations.Select(operation => new DispatchConnectionInput
                    {
                        Operation = OperationName(operation),
                        SchemaUri = ContactSchema,
                        AdapterAction = $"{operation.ToString().ToLowerInvariant()}Contact",
                    })],
                },
            }),
        ],
    };

    /// <summary>The operation as the REST API writes it (<c>CREATE</c>, <c>UPDATE</c>, <c>DELETE</c>).</summary>
    public static string OperationName(RecordOperation operation) => operation.ToString().ToUpperInvariant();
}
