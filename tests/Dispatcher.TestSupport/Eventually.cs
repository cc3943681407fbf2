using System.Diagnostics;
using NUnit.Framework;

namespace Dispatcher.TestSupport;

/// <summary>
/// Waits for a condition that background work makes true, instead of sleeping a fixed time. Bounded, so a broken test
/// fails (with <paramref name="because"/> in the message) instead of hanging.
/// </summary>
public static class Eventually
{
    /// <summary>The bound when none is given: generous, as it is only reached when the test fails anyway.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after <paramref name="timeout"/>.</summary>
    /// <returns>How long it took.</returns>
    public static async Task<TimeSpan> HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string because)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
            {
                Assert.Fail($"Not within {timeout.TotalSeconds:0.#} s: {because}");
            }

            await Task.Delay(PollInterval);
        }

        return watch.Elapsed;
    }

    /// <inheritdoc cref="HoldsAsync(Func{Task{bool}}, TimeSpan, string)"/>
    public static Task<TimeSpan> HoldsAsync(Func<bool> condition, TimeSpan timeout, string because)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return HoldsAsync(() => Task.FromResult(condition()), timeout, because);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after <see cref="DefaultTimeout"/>.</summary>
    public static Task<TimeSpan> HoldsAsync(Func<Task<bool>> condition, string because) =>
        HoldsAsync(condition, DefaultTimeout, because);

    /// <inheritdoc cref="HoldsAsync(Func{Task{bool}}, string)"/>
    public static Task<TimeSpan> HoldsAsync(Func<bool> condition, string because) =>
        HoldsAsync(condition, DefaultTimeout, because);
}
