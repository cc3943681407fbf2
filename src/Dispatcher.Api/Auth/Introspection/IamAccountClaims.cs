using System.Security.Claims;
using System.Text.Json;

namespace Dispatcher.Api.Auth.Introspection;

/// <summary>Turns an IAM account (the introspection body) into claims.</summary>
internal static class IamAccountClaims
{
    public const string Subject = "sub";
    public const string Username = "username";

    /// <summary>
    /// <c>sub</c> (the account's <c>sub</c>, else its <c>_id</c>), <c>username</c>, one <c>permission</c> per entry of
    /// <c>permissions</c>, and the field named <paramref name="tenantField"/> as a claim of that name.
    /// </summary>
    public static IReadOnlyList<Claim> From(JsonElement account, string tenantField)
    {
        var claims = new List<Claim>();
        if ((Text(account, "sub") ?? Text(account, "_id")) is { } subject)
        {
            claims.Add(new Claim(Subject, subject));
        }

        if (Text(account, "username") is { } username)
        {
            claims.Add(new Claim(Username, username));
        }

        if (Text(account, tenantField) is { } tenant)
        {
            claims.Add(new Claim(tenantField, tenant));
        }

        if (account.TryGetProperty("permissions", out var permissions) && permissions.ValueKind == JsonValueKind.Array)
        {
            claims.AddRange(permissions.EnumerateArray()
                .Where(permission => permission.ValueKind == JsonValueKind.String)
                .Select(permission => new Claim(DispatcherClaimTypes.Permission, permission.GetString()!)));
        }

        return claims;
    }

    // The IAM serialises ObjectIds as strings; numbers are accepted too, anything else counts as absent.
    private static string? Text(JsonElement account, string name) =>
        account.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetString()) ? null : value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;
}
