using Dispatcher.Domain.Configurations;

namespace Dispatcher.Domain.Tests.Builders;

/// <summary>Fluent builder for configurations in tests.</summary>
public sealed class ConfigurationBuilder
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private readonly List<App> _apps = [];
    private string _tenant = "tenant-a";
    private string _name = "Test configuration";

    public ConfigurationBuilder ForTenant(string tenant)
    {
        _tenant = tenant;
        return this;
    }

    public ConfigurationBuilder Named(string name)
    {
        _name = name;
        return this;
    }

    public ConfigurationBuilder With(App app)
    {
        _apps.Add(app);
        return this;
    }

    public ConfigurationBuilder With(AppBuilder app) => With(app.Build());

    public Configuration Build() =>
        Configuration.Create(ConfigurationId.New(), TenantId.Parse(_tenant), _name, "domain-1", _apps, Now);
}
