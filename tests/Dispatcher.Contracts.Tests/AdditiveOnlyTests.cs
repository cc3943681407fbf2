using System.Diagnostics;

namespace Dispatcher.Contracts.Tests;

/// <summary>
/// The Contracts' public API only grows. RS0017 fails the build when a baselined member is gone; these tests close the
/// two ways around it: marking the removal in PublicAPI.Unshipped.txt (<c>*REMOVED*</c>), or deleting the line from
/// PublicAPI.Shipped.txt itself.
/// </summary>
public sealed class AdditiveOnlyTests
{
    private const string ShippedPath = "src/Dispatcher.Contracts/PublicAPI.Shipped.txt";
    private const string UnshippedPath = "src/Dispatcher.Contracts/PublicAPI.Unshipped.txt";

    [Test]
    public void Nothing_is_marked_removed_in_the_unshipped_baseline()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), UnshippedPath));

        lines.Should().NotContain(line => line.StartsWith("*REMOVED*", StringComparison.Ordinal),
            "Dispatcher.Contracts changes are additive only (docs/packages.md)");
    }

    [Test]
    public void Every_line_ever_committed_to_the_shipped_baseline_is_still_in_it()
    {
        var root = RepositoryRoot();
        var current = File.ReadAllLines(Path.Combine(root, ShippedPath)).ToHashSet(StringComparer.Ordinal);
        var commits = Git(root, "log", "--format=%H", "--", ShippedPath);
        if (commits is null)
        {
            Assert.Ignore("No git history here (not a git checkout): the baseline's history cannot be read.");
        }

        var history = commits!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        current.Should().Contain("Dispatcher.Contracts.RecordChanged", "the baseline names the contracts");
        foreach (var commit in history)
        {
            var then = Git(root, "show", $"{commit}:{ShippedPath}") ?? "";
            var removed = then.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !current.Contains(l)).ToList();
            removed.Should().BeEmpty($"the Shipped baseline of {commit[..10]} had these and Contracts changes are additive only");
        }
    }

    private static string RepositoryRoot() => SourceTree.Root;

    /// <summary>git's output, or null when git cannot answer (not installed, not a repository).</summary>
    private static string? Git(string root, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
