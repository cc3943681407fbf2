using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Persistence.Documents;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Persistence.Mongo;

/// <summary>The queries of the MongoDB store, separate so their rendered form can be tested without a server.</summary>
internal static class ConfigurationFilters
{
    /// <summary>The path indexed for <see cref="BySourceFlow"/>.</summary>
    public const string SourceFlowPath = "applications.outbound.flows.flowId";

    private static FilterDefinitionBuilder<ConfigurationDocument> Filter => Builders<ConfigurationDocument>.Filter;

    public static FilterDefinition<ConfigurationDocument> ByTenant(TenantId tenant) =>
        Filter.Eq(d => d.Tenant, tenant.Value) & MongoFlowWork.NotDeleted;

    public static FilterDefinition<ConfigurationDocument> ByTenantAndId(TenantId tenant, ConfigurationId id) =>
        Filter.Eq(d => d.Id, id.Value) & ByTenant(tenant);

    /// <summary>
    /// One configuration of the tenant at the stored version <paramref name="expected"/>. A document without a
    /// <c>version</c> (written by the original service) counts as version 0.
    /// </summary>
    public static FilterDefinition<ConfigurationDocument> ByTenantIdAndVersion(
        TenantId tenant, ConfigurationId id, long expected) =>
        ByTenantAndId(tenant, id)
        & (expected == 0
            ? Filter.Or(Filter.Eq(d => d.Version, 0L), Filter.Exists(d => d.Version, exists: false))
            : Filter.Eq(d => d.Version, expected));

    /// <summary>
    /// The configuration with an outbound connection of <paramref name="flowId"/>, of any tenant: the event being
    /// routed names only its flow. Flow ids are Flow Repository ObjectIds, unique across tenants, so the flow id
    /// identifies one tenant's configuration.
    /// </summary>
    public static FilterDefinition<ConfigurationDocument> BySourceFlow(FlowId flowId) =>
        Filter.Eq(SourceFlowPath, flowId.Value) & MongoFlowWork.NotDeleted;

    /// <summary>Oldest first, then by id.</summary>
    public static SortDefinition<ConfigurationDocument> OldestFirst { get; } =
        Builders<ConfigurationDocument>.Sort.Ascending(d => d.CreatedAt).Ascending(d => d.Id);
}
