using System.Security.Cryptography;
using System.Text;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Dispatching;

/// <summary>Deterministic message ids, so consumers can deduplicate redelivered dispatches.</summary>
public static class MessageIds
{
    /// <summary>
    /// A name-based UUID (RFC 9562 version 8 layout, SHA-256) of the incoming event's identity and the target flow:
    /// a redelivered event yields the same id for the same target.
    /// </summary>
    public static Guid ForDispatch(string eventIdentity, FlowId target)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{eventIdentity}\n{target.Value}"), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(hash[..16], bigEndian: true);
    }

    /// <summary>An identity for an event that carries no id of its own: the SHA-256 of its body.</summary>
    public static string FromBody(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));
}
