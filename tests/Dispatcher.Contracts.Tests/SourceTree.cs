namespace Dispatcher.Contracts.Tests;

/// <summary>
/// The repository the tests run from, found by walking up from the test assembly to <c>Dispatcher.sln</c>. Not
/// <c>[CallerFilePath]</c>: CI builds map source paths to <c>/_/</c> (ContinuousIntegrationBuild).
/// </summary>
internal static class SourceTree
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Dispatcher.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Dispatcher.sln above {AppContext.BaseDirectory}.");
    }
}
