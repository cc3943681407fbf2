using Dispatcher.Domain.Configurations;

namespace Dispatcher.Infrastructure.FlowRegistry;

/// <summary>The names the original service gives generated flows (<c>flowCreator.js makeFlow</c>).</summary>
internal static class FlowNames
{
    /// <summary>
    /// <c>H&amp;S Outbound Flow for &lt;applicationName&gt;</c> or
    /// <c>H&amp;S Inbound &lt;OPERATION&gt; Flow for &lt;applicationName&gt;</c>.
    /// </summary>
    public static string For(App app, Connection connection)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(connection);
        return connection.Operation is { } operation
            ? $"H&S Inbound {operation.ToString().ToUpperInvariant()} Flow for {app.ApplicationName}"
            : $"H&S Outbound Flow for {app.ApplicationName}";
    }
}
