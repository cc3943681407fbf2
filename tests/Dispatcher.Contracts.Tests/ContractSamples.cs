using System.Text.Json;
using System.Text.Json.Nodes;
using Dispatcher.Contracts;
using MassTransit;
using MassTransit.Serialization;

namespace Dispatcher.Contracts.Tests;

/// <summary>
/// The committed samples: one folder per released contract version (<c>Samples/&lt;version&gt;/</c>), one MassTransit
/// envelope per message type (<c>&lt;Type&gt;.json</c>, plus variants <c>&lt;Type&gt;.&lt;variant&gt;.json</c>), as that
/// version's types serialized them with MassTransit's System.Text.Json settings.
/// </summary>
public static class ContractSamples
{
    /// <summary>Where the samples are copied next to the test assembly.</summary>
    public static string OutputFolder => Path.Combine(AppContext.BaseDirectory, "Samples");

    /// <summary>The samples' folder in the source tree (where <see cref="Write"/> writes).</summary>
    public static string SourceFolder() => Path.Combine(SourceTree.Root, "tests", "Dispatcher.Contracts.Tests", "Samples");

    /// <summary>Every released version that has samples, oldest first.</summary>
    public static IReadOnlyList<string> Versions =>
        [.. Directory.GetDirectories(OutputFolder).Select(Path.GetFileName).OfType<string>().OrderBy(v => Version.Parse(v))];

    /// <summary>The sample messages of the current version, by file name (without <c>.json</c>).</summary>
    public static IReadOnlyDictionary<string, object> Current { get; } = new Dictionary<string, object>
    {
        [nameof(RecordChanged)] = new RecordChanged
        {
            EventId = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff"),
            FlowId = "65f000000000000000000001",
            Operation = RecordOperation.Update,
            Meta = new Dictionary<string, JsonElement>
            {
                ["oihUid"] = JsonSerializer.SerializeToElement("65f000000000000000000009"),
                ["domainId"] = JsonSerializer.SerializeToElement("5d9b"),
            },
            Refs =
            [
                new RecordReference { ApplicationUid = "snazzy1234", RecordUid = "s-1" },
                new RecordReference { ApplicationUid = "wice5678", RecordUid = "w-1" },
            ],
            Data = JsonSerializer.SerializeToElement(new { firstName = "Jane", lastName = "Doe" }),
        },
        [$"{nameof(RecordChanged)}.minimal"] = new RecordChanged
        {
            EventId = Guid.Parse("0a6ec0b4-1b8c-4b7e-9a53-7c1a7c2f6e01"),
            FlowId = "65f000000000000000000001",
            Operation = RecordOperation.Delete,
        },
        [nameof(RecordDispatched)] = new RecordDispatched
        {
            TargetFlowId = "65f000000000000000000002",
            ApplicationUid = "wice5678",
            RecordUid = "w-1",
            Operation = RecordOperation.Create,
            Meta = new Dictionary<string, JsonElement>
            {
                ["flowId"] = JsonSerializer.SerializeToElement("65f000000000000000000001"),
                ["applicationUid"] = JsonSerializer.SerializeToElement("wice5678"),
                ["recordUid"] = JsonSerializer.SerializeToElement("w-1"),
            },
            Data = JsonSerializer.SerializeToElement(new { firstName = "Jane" }),
        },
        [nameof(ConfigurationChanged)] = new ConfigurationChanged
        {
            ConfigurationId = "65f0000000000000000000aa",
            Tenant = "demo",
            Deleted = false,
            Version = 3,
        },
        [$"{nameof(ConfigurationChanged)}.deleted"] = new ConfigurationChanged
        {
            ConfigurationId = "65f0000000000000000000aa",
            Tenant = "demo",
            Deleted = true,
        },
    };

    /// <summary>
    /// A MassTransit envelope of <paramref name="message"/> as the bus carries it: the message serialized with
    /// MassTransit's own <see cref="SystemTextJsonMessageSerializer.Options"/>, its message type URN, fixed ids.
    /// </summary>
    public static string Envelope(object message)
    {
        var envelope = new JsonObject
        {
            ["messageId"] = "8a000000-0000-0000-0000-000000000001",
            ["conversationId"] = "8a000000-0000-0000-0000-000000000002",
            ["sourceAddress"] = "rabbitmq://localhost/sample-publisher",
            ["destinationAddress"] = $"rabbitmq://localhost/{MessageUrn.ForTypeString(message.GetType())["urn:message:".Length..].Replace(':', '.')}",
            ["messageType"] = new JsonArray(MessageUrn.ForTypeString(message.GetType())),
            ["message"] = JsonSerializer.SerializeToNode(message, message.GetType(), SystemTextJsonMessageSerializer.Options),
            ["sentTime"] = "2026-01-01T00:00:00Z",
            ["headers"] = new JsonObject(),
        };
        return envelope.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Writes the current version's samples into <c>Samples/&lt;version&gt;/</c> of the source tree.</summary>
    public static void Write(string version)
    {
        var folder = Path.Combine(SourceFolder(), version);
        Directory.CreateDirectory(folder);
        foreach (var (name, message) in Current)
        {
            File.WriteAllText(Path.Combine(folder, $"{name}.json"), Envelope(message));
        }
    }

    /// <summary>Deserializes a sample through MassTransit's deserializer, as a consumer would receive it.</summary>
    public static T Read<T>(string version, string name)
        where T : class
    {
        var body = File.ReadAllText(Path.Combine(OutputFolder, version, $"{name}.json"));
        var context = SystemTextJsonMessageSerializer.Instance.Deserialize(new StringMessageBody(body), EmptyHeaders.Instance);
        context.TryGetMessage<T>(out var message).Should().BeTrue($"{version}/{name}.json carries a {typeof(T).Name}");
        return message!;
    }
}
