using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Dispatching;

/// <summary>Deterministic message ids, so consumers can deduplicate redelivered dispatches.</summary>
public static class MessageIds
{
    // Identities are message ids or 64-hex body hashes and flow ids at most 64 characters: this fits them on the stack.
    private const int StackLimit = 512;

    /// <summary>
    /// A name-based UUID (RFC 9562 version 8 layout, SHA-256) of the incoming event's identity and the target flow:
    /// a redelivered event yields the same id for the same target. Hashes the UTF-8 of
    /// <c>identity + "\n" + flowId</c> without allocating (a pooled buffer only for very long identities).
    /// </summary>
    public static Guid ForDispatch(string eventIdentity, FlowId target)
    {
        var flowId = target.Value;
        var maxLength = Encoding.UTF8.GetMaxByteCount(eventIdentity.Length + 1 + flowId.Length);
        byte[]? rented = null;
        var buffer = maxLength <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxLength));
        try
        {
            var length = Encoding.UTF8.GetBytes(eventIdentity, buffer);
            buffer[length++] = (byte)'\n';
            length += Encoding.UTF8.GetBytes(flowId, buffer[length..]);
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(buffer[..length], hash);
            hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8
            hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC variant
            return new Guid(hash[..16], bigEndian: true);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>An identity for an event that carries no id of its own: the SHA-256 of its body.</summary>
    public static string FromBody(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));
}
