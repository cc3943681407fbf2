using NUnit.Framework;

namespace Dispatcher.TestSupport;

/// <summary>The repository the tests run from: the first folder above the test assembly that holds Dispatcher.sln.</summary>
public static class SourceRoot
{
    private static readonly Lazy<string> Root = new(Find);

    /// <summary>The repository root's full path.</summary>
    public static string Path => Root.Value;

    private static string Find()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Dispatcher.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Dispatcher.sln above {TestContext.CurrentContext.TestDirectory}.");
    }
}
