using Dispatcher.Domain.Configurations;

namespace Dispatcher.TestSupport.Domain;

/// <summary>Switches an app's side the way the API does (<c>PATCH</c> of the app): by replacing the app.</summary>
public static class ConfigurationSides
{
    /// <summary>
    /// Replaces the app <paramref name="appId"/> by a copy whose <paramref name="direction"/> side is
    /// <paramref name="active"/>, through <see cref="Configuration.ReplaceApp"/>, which raises <c>AppChanged</c> and
    /// <c>SideActivated</c>/<c>SideDeactivated</c> when the side changes, and nothing when it does not.
    /// </summary>
    public static void SwitchSide(this Configuration configuration, AppId appId, Direction direction, bool active, DateTimeOffset now)
    {
        var app = configuration.FindApp(appId) ?? throw new ArgumentException($"No app '{appId}'.", nameof(appId));
        AppSide Side(Direction side) =>
            side == direction ? AppSide.Create(side, active, app.Side(side).Connections) : app.Side(side);

        configuration.ReplaceApp(
            App.Create(
                app.Id, app.ApplicationUid, app.ApplicationName, Side(Direction.Outbound), Side(Direction.Inbound),
                app.AdapterComponentId, app.TransformerComponentId, app.SecretId, app.Fields),
            now);
    }
}
