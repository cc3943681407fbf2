using Dispatcher.TestSupport.RabbitMq;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// What the three-node cluster tests share: they run only with <c>DISPATCHER_CLUSTER=1</c> (build/cluster-tests.sh
/// starts the cluster and sets it), each in a temporary folder of its own, with the node URLs from
/// <c>DISPATCHER_CLUSTER_C1</c>..<c>C3</c>.
/// </summary>
[Category("Cluster")]
public abstract class ClusterFixture
{
    /// <summary>The test's temporary folder (deleted after it).</summary>
    protected string Directory { get; private set; } = null!;

    /// <summary>The AMQP URL of node c<paramref name="node"/>.</summary>
    public static string NodeUrl(int node) =>
        Environment.GetEnvironmentVariable($"DISPATCHER_CLUSTER_C{node}") is { Length: > 0 } url
            ? url
            : $"amqp://guest:guest@127.0.0.1:{5700 + node}/";

    [SetUp]
    public void CreateFolder()
    {
        if (Environment.GetEnvironmentVariable("DISPATCHER_CLUSTER") != "1")
        {
            Assert.Ignore("needs build/cluster.sh; run build/cluster-tests.sh");
        }

        Directory = Path.Combine(Path.GetTempPath(), "dispatcher-cluster-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    [TearDown]
    public void DeleteFolder()
    {
        LossConnections.Url = TestBroker.Url;
        if (Directory is null)
        {
            return;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A late handle; the temp folder is cleaned by the OS.
        }
    }
}
