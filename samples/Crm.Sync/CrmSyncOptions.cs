namespace Crm.Sync;

/// <summary>Settings of the worker (section <c>CrmSync</c>; environment variables <c>CrmSync__DispatcherUrl</c>, …).</summary>
public sealed class CrmSyncOptions
{
    public const string Section = "CrmSync";

    /// <summary>The Dispatcher's REST API, e.g. <c>http://dispatcher:3013/</c>.</summary>
    public Uri? DispatcherUrl { get; set; }

    /// <summary>The bearer token for the Dispatcher's API (its <c>tenant</c> claim is the CRM team's tenant).</summary>
    public string? DispatcherToken { get; set; }

    /// <summary>The RabbitMQ broker the Dispatcher listens on, e.g. <c>amqp://guest:guest@rabbitmq:5672/</c>.</summary>
    public string? RabbitMqUrl { get; set; }

    /// <summary>The worker's own queue, where the <c>RecordDispatched</c> copies arrive.</summary>
    public string Queue { get; set; } = "crm-sync-record-dispatched";

    /// <summary>The name of the dispatch configuration the worker creates (or reuses when it exists).</summary>
    public string ConfigurationName { get; set; } = "CRM contacts";
}
