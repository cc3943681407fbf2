using Microsoft.IdentityModel.Tokens;

namespace Dispatcher.Api.Auth.Jwt;

/// <summary>Turns a JWT validation exception into a short, safe reason for the 401 body.</summary>
internal static class JwtFailureReasons
{
    public const string Expired = "The token is expired.";
    public const string InvalidSignature = "The token signature is invalid.";
    public const string Malformed = "The token is malformed.";
    public const string Invalid = "The token is invalid.";

    public static string Describe(Exception? failure) =>
        Flatten(failure).Select(Map).FirstOrDefault(reason => reason is not null) ?? Invalid;

    // Exception messages are not used: they can quote the token or the accepted issuers and audiences.
    private static string? Map(Exception exception) => exception switch
    {
        SecurityTokenExpiredException => Expired,
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenNoExpirationException => "The token has no expiry.",
        SecurityTokenInvalidLifetimeException => "The token lifetime is invalid.",
        SecurityTokenInvalidSignatureException => InvalidSignature,
        SecurityTokenInvalidIssuerException => "The token issuer is not accepted.",
        SecurityTokenInvalidAudienceException => "The token audience is not accepted.",
        SecurityTokenMalformedException => Malformed,
        // The JWT handler throws a bare ArgumentException for segments that are not base64url JSON.
        ArgumentException => Malformed,
        _ => null,
    };

    private static IEnumerable<Exception> Flatten(Exception? failure) => failure switch
    {
        null => [],
        AggregateException aggregate => aggregate.Flatten().InnerExceptions,
        _ => [failure],
    };
}
