using System.Text.Json.Nodes;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Persistence.Sqlite;
using Dispatcher.TestSupport.Sqlite;
using Dispatcher.Testing;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>
/// The contract against a new SQLite file per test. The schema is deliberately not created up front: the repository
/// must create it on first use, as when a request arrives before the start-up initializer ran.
/// </summary>
[TestFixture]
public sealed class SqliteConfigurationRepositoryTests : ConfigurationRepositoryContract
{
    private TemporarySqliteFile? _file;
    private SqliteDatabase? _database;

    private SqliteDatabase Database => _database!;

    protected override Task<IConfigurationRepository> CreateRepositoryAsync()
    {
        _file = new TemporarySqliteFile(Path.Combine("nested", "test.db"));
        _database = new SqliteDatabase(new SqliteStorageOptions { Path = _file.Path });
        return Task.FromResult<IConfigurationRepository>(new SqliteConfigurationRepository(_database));
    }

    [TearDown]
    public void DeleteStore()
    {
        _database?.Dispose();
        _database = null;
        _file?.Dispose();
        _file = null;
    }

    [Test]
    public async Task The_file_and_its_directory_are_created_on_first_use_in_WAL_mode()
    {
        File.Exists(Database.FilePath).Should().BeFalse();

        await Repository.ListAsync(TenantId.Parse("tenant-a"), CancellationToken.None);

        File.Exists(Database.FilePath).Should().BeTrue();
        (await _file!.ScalarAsync("PRAGMA journal_mode")).Should().Be("wal");
        (await _file!.ScalarAsync("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)"))
            .Should().Be("configuration_sources,configurations,flow_work");
    }

    [Test]
    public async Task Creating_the_schema_again_keeps_the_data()
    {
        var configuration = ThreeAppExample.Build();
        await Repository.AddAsync(configuration, CancellationToken.None);

        using var restarted = new SqliteDatabase(new SqliteStorageOptions { Path = Database.FilePath });
        await restarted.InitializeAsync(CancellationToken.None);
        await restarted.InitializeAsync(CancellationToken.None);
        var loaded = await new SqliteConfigurationRepository(restarted).GetAsync(configuration.Tenant, configuration.Id, CancellationToken.None);

        loaded.ShouldHaveStateOf(configuration);
    }

    [Test]
    public async Task Concurrent_first_uses_create_the_schema_once()
    {
        var tenant = TenantId.Parse("tenant-a");

        var lists = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Repository.ListAsync(tenant, CancellationToken.None))));

        lists.Should().OnlyContain(list => list.Count == 0);
    }

    [Test]
    public async Task The_row_holds_the_document_in_the_original_shape_with_tenant_version_and_times_in_columns()
    {
        var configuration = StoredConfigurations.Rich();
        await Repository.AddAsync(configuration, CancellationToken.None);

        await using var connection = await Database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT tenant, version, created_at, updated_at, document FROM configurations";
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();

        reader.GetString(0).Should().Be("tenant-a");
        reader.GetInt64(1).Should().Be(1);
        reader.GetInt64(2).Should().Be(new DateTimeOffset(2026, 11, 26, 12, 0, 0, 123, TimeSpan.Zero).ToUnixTimeMilliseconds());
        reader.GetInt64(3).Should().Be(reader.GetInt64(2));
        var document = JsonNode.Parse(reader.GetString(4))!.AsObject();
        document.Select(p => p.Key).Should().Equal("_id", "tenant", "name", "dataModel", "applications", "createdAt", "updatedAt", "version");
        document["_id"]!.GetValue<string>().Should().Be(configuration.Id.Value);
        var crm = document["applications"]![3]!;
        crm["_id"]!.GetValue<string>().Should().Be(configuration.Apps[3].Id.Value);
        crm["fields"]!["pageSize"]!.GetValue<int>().Should().Be(50);
        crm["outbound"]!["flows"]![0]!["flowId"]!.GetValue<string>().Should().Be(StoredConfigurations.CrmOut);
        crm["outbound"]!["flows"]![0]!.AsObject().ContainsKey("operation").Should().BeFalse();
        crm["inbound"]!["flows"]![0]!["operation"]!.GetValue<string>().Should().Be("DELETE");
        document["createdAt"]!.GetValue<string>().Should().Be("2026-11-26T12:00:00.123Z");
    }

    [Test]
    public async Task A_flow_that_is_already_another_configurations_source_is_refused_and_nothing_is_written()
    {
        var owner = StoredConfigurations.Simple("tenant-a", "shared-out");
        var intruder = StoredConfigurations.Simple("tenant-b", "shared-out");
        await Repository.AddAsync(owner, CancellationToken.None);

        var add = () => Repository.AddAsync(intruder, CancellationToken.None);

        await add.Should().ThrowAsync<ConcurrencyConflictException>().WithMessage("*shared-out*");
        intruder.Version.Should().Be(0);
        (await Repository.GetAsync(intruder.Tenant, intruder.Id, CancellationToken.None)).Should().BeNull();
        (await Repository.FindBySourceFlowAsync(FlowId.Parse("shared-out"), CancellationToken.None))!.Id.Should().Be(owner.Id);
    }

    [Test]
    public async Task A_refused_update_leaves_the_source_index_unchanged()
    {
        var owner = StoredConfigurations.Simple("tenant-a", "owned-out");
        var other = StoredConfigurations.Rich("tenant-b");
        await Repository.AddAsync(owner, CancellationToken.None);
        await Repository.AddAsync(other, CancellationToken.None);

        other.AssignFlow(other.Apps[3].Outbound.Connections[1].Id, FlowId.Parse("owned-out"), DispatchConfigurationBuilder.Now.AddHours(1));
        var update = () => Repository.UpdateAsync(other, CancellationToken.None);

        await update.Should().ThrowAsync<ConcurrencyConflictException>();
        (await Repository.FindBySourceFlowAsync(FlowId.Parse(ThreeAppExample.WiceOut), CancellationToken.None))!.Id.Should().Be(other.Id);
        (await Repository.GetAsync(other.Tenant, other.Id, CancellationToken.None))!.Version.Should().Be(1);
    }

    [Test]
    public async Task StreamAll_reads_the_stored_UTF8_text_as_written_and_takes_the_version_from_its_column()
    {
        var configuration = Configuration.Create(
            ConfigurationId.New(), TenantId.Parse("tenant-a"), "Zürich – 東京 ✓ 🚚", "5d9b",
            [
                App.Create(
                    AppId.New(), ApplicationUid.Parse("crm-u"), "Ärger-frei",
                    AppSide.Create(Direction.Outbound, true, [Connection.Outbound(ConnectionId.New(), SchemaUri.Parse("https://example.org/schémas/person"), "holé", flowId: FlowId.Parse("flow-u"))]),
                    AppSide.Empty(Direction.Inbound),
                    fields: AppFields.FromElement(System.Text.Json.JsonDocument.Parse("""{"greeting":"grüß dich","emoji":"🚚"}""").RootElement)),
            ],
            DispatchConfigurationBuilder.Now);
        await Repository.AddAsync(configuration, CancellationToken.None);
        await using (var connection = await Database.OpenConnectionAsync(CancellationToken.None))
        await using (var bump = connection.CreateCommand())
        {
            bump.CommandText = "UPDATE configurations SET version = 7";
            await bump.ExecuteNonQueryAsync();
        }

        var streamed = new List<Configuration>();
        await foreach (var stored in Repository.StreamAllAsync(CancellationToken.None))
        {
            streamed.Add(stored);
        }

        streamed.Should().ContainSingle();
        streamed[0].Version.Should().Be(7);
        streamed[0].Should().BeEquivalentTo(
            configuration,
            o => o.Excluding(c => c.DomainEvents).Excluding(c => c.CreatedAt).Excluding(c => c.UpdatedAt).Excluding(c => c.Version).WithStrictOrdering());
    }

    [Test]
    public async Task StreamAll_stops_with_InvalidDataException_naming_a_stored_configuration_that_breaks_a_domain_rule()
    {
        var configuration = StoredConfigurations.Simple("tenant-a", "bad-out");
        await Repository.AddAsync(configuration, CancellationToken.None);
        await using (var connection = await Database.OpenConnectionAsync(CancellationToken.None))
        await using (var corrupt = connection.CreateCommand())
        {
            corrupt.CommandText = "UPDATE configurations SET document = replace(document, '\"schemaUri\":\"http', '\"schemaUri\":\"/not-absolute')";
            (await corrupt.ExecuteNonQueryAsync()).Should().Be(1);
        }

        var stream = async () =>
        {
            await foreach (var _ in Repository.StreamAllAsync(CancellationToken.None))
            {
            }
        };

        await stream.Should().ThrowAsync<InvalidDataException>().WithMessage($"*{configuration.Id}*schemaUri*");
    }
}
