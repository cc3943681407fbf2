namespace Dispatcher.Infrastructure.FlowRegistry;

/// <summary>Settings of the standalone flow registry (section <c>FlowRegistry:Standalone</c>).</summary>
internal sealed class StandaloneFlowRegistryOptions
{
    public const string SectionName = "FlowRegistry:Standalone";

    /// <summary>
    /// The SQLite file holding the flows; empty means the embedded store's file (<c>Storage:Sqlite:Path</c>), and
    /// <see cref="DefaultPath"/> when that is not set either.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>
    /// How long a flow stays <c>starting</c> or <c>stopping</c> before it reports <c>active</c> or <c>inactive</c>:
    /// the time the component orchestrator would take in a real installation.
    /// </summary>
    public TimeSpan TransitionDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary><c>&lt;LocalApplicationData&gt;/dispatcher/dispatcher.db</c>.</summary>
    public static string DefaultPath => System.IO.Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "dispatcher", "dispatcher.db");

    /// <summary>The absolute path of the database file.</summary>
    public string ResolvedPath => System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(Path) ? DefaultPath : Path);
}
