using Dispatcher.Domain.Configurations;

namespace Dispatcher.Testing;

/// <summary>
/// Fluent builder of a dispatch <see cref="Configuration"/>:
/// <c>new DispatchConfigurationBuilder().ForTenant("tenant-a").With(new AppBuilder("a1").Outbound(Person, "a1-out")).Build()</c>.
/// Named so that it does not clash with <c>Microsoft.Extensions.Configuration.ConfigurationBuilder</c>.
/// </summary>
/// <remarks>Defaults: tenant <c>tenant-a</c>, name <c>Test configuration</c>, data model <c>domain-1</c>, created at <see cref="Now"/>, a new id per build.</remarks>
public sealed class DispatchConfigurationBuilder
{
    private readonly List<App> _apps = [];
    private string _tenant = "tenant-a";
    private string _name = "Test configuration";
    private string? _dataModel = "domain-1";
    private ConfigurationId? _id;

    /// <summary>The fixed time built configurations are created at (2026-11-26 12:00 UTC); also a handy fixed "now" for fake clocks.</summary>
    public static DateTimeOffset Now { get; } = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Sets the owning tenant.</summary>
    /// <param name="tenant">The tenant id.</param>
    /// <returns>This builder.</returns>
    public DispatchConfigurationBuilder ForTenant(string tenant)
    {
        _tenant = tenant;
        return this;
    }

    /// <summary>Sets the display name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>This builder.</returns>
    public DispatchConfigurationBuilder Named(string name)
    {
        _name = name;
        return this;
    }

    /// <summary>Sets the data model (domain) the configuration works in.</summary>
    /// <param name="dataModel">The data model, or null for none.</param>
    /// <returns>This builder.</returns>
    public DispatchConfigurationBuilder WithDataModel(string? dataModel)
    {
        _dataModel = dataModel;
        return this;
    }

    /// <summary>Gives the configuration a fixed id instead of a new one per build.</summary>
    /// <param name="id">The configuration id.</param>
    /// <returns>This builder.</returns>
    public DispatchConfigurationBuilder WithId(ConfigurationId id)
    {
        _id = id;
        return this;
    }

    /// <summary>Adds an app (apps keep the order they are added in, which is the order of the copies).</summary>
    /// <param name="app">The app.</param>
    /// <returns>This builder.</returns>
    public DispatchConfigurationBuilder With(App app)
    {
        ArgumentNullException.ThrowIfNull(app);
        _apps.Add(app);
        return this;
    }

    /// <summary>Adds the app an <see cref="AppBuilder"/> builds.</summary>
    /// <param name="app">The app builder.</param>
    /// <returns>This builder.</returns>
    public DispatchConfigurationBuilder With(AppBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return With(app.Build());
    }

    /// <summary>Builds the configuration; the domain's invariants apply (unique application uids and flow ids, …).</summary>
    /// <returns>The configuration (version 0, as before its first save).</returns>
    public Configuration Build() =>
        Configuration.Create(_id ?? ConfigurationId.New(), TenantId.Parse(_tenant), _name, _dataModel, _apps, Now);
}
