namespace Dispatcher.Application.Tests.Support;

/// <summary>Waits for a condition that background work makes true (bounded, so a broken test fails instead of hanging).</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new AssertionException($"Timed out waiting until {what}.");
            }

            await Task.Delay(5);
        }
    }
}
