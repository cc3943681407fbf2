using System.Text;
using System.Text.Json;
using Dispatcher.Api.Errors;
using Dispatcher.Application.Configurations.Validation;
using Microsoft.AspNetCore.Mvc;

namespace Dispatcher.Api.Http;

/// <summary>
/// Checks a JSON request body once, before anything binds it: valid UTF-8, well-formed JSON, no string or property name
/// that is not valid UTF-16 once unescaped (a lone surrogate such as <c>"\ud800"</c>), no duplicate property names, no
/// property name with U+0000 and no number beyond a double's range (both unstorable in MongoDB), and
/// the JSON limits of <see cref="InputLimits"/> (depth, string and property name length). A body that passes can be
/// bound, stored and rendered again by every route.
/// </summary>
internal static class JsonBodyInspector
{
    /// <summary>Null when the body is acceptable, else the problem to answer.</summary>
    public static ProblemDetails? Inspect(ReadOnlySpan<byte> body)
    {
        if (body.Length == 0)
        {
            return Malformed("The request needs a JSON body.", "body");
        }

        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return Malformed("The body is not valid UTF-8.", "body");
        }

        // The reader's own depth limit is one deeper so that the named limit below is the one that answers.
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = InputLimits.MaxJsonDepth + 1 });
        var path = new JsonPathTracker();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        path.Value();
                        if (reader.CurrentDepth >= InputLimits.MaxJsonDepth)
                        {
                            return Limit(InputLimits.Names.JsonDepth,
                                $"The JSON nests deeper than {InputLimits.MaxJsonDepth} levels at '{path}'.", path.ToString());
                        }

                        path.Open(reader.TokenType == JsonTokenType.StartObject);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.Close();
                        break;
                    case JsonTokenType.PropertyName:
                        if (!TryGetString(ref reader, out var name))
                        {
                            return Malformed($"A property name at '{path}' is not valid UTF-16 (a lone surrogate).", path.ToString());
                        }

                        if (name.Length > InputLimits.MaxJsonPropertyNameLength)
                        {
                            return Limit(InputLimits.Names.JsonPropertyNameLength,
                                $"A property name at '{path}' is longer than {InputLimits.MaxJsonPropertyNameLength} characters.", path.ToString());
                        }

                        if (name.Contains('\0', StringComparison.Ordinal))
                        {
                            // BSON names are C strings: MongoDB could not store it, and a write must never be accepted that the store cannot keep.
                            return Malformed($"A property name at '{path}' contains U+0000.", path.ToString());
                        }

                        if (!path.Name(name))
                        {
                            return Malformed($"The property '{path}' appears twice in one object.", path.ToString());
                        }

                        break;
                    case JsonTokenType.String:
                        path.Value();
                        if (!TryGetString(ref reader, out var text))
                        {
                            return Malformed($"The string at '{path}' is not valid UTF-16 (a lone surrogate).", path.ToString());
                        }

                        if (text.Length > InputLimits.MaxJsonStringLength)
                        {
                            return Limit(InputLimits.Names.JsonStringLength,
                                $"The string at '{path}' is longer than {InputLimits.MaxJsonStringLength} characters.", path.ToString());
                        }

                        break;
                    case JsonTokenType.Number:
                        path.Value();
                        if (!reader.TryGetDouble(out var number) || !double.IsFinite(number))
                        {
                            // I-JSON (RFC 7493): numbers beyond a double's range (1e999) cannot be stored or read back everywhere.
                            return Malformed($"The number at '{path}' is outside the range of a 64-bit floating point number.", path.ToString());
                        }

                        break;
                    default:
                        path.Value();
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            return Malformed($"The body is not valid JSON: {e.Message}", path.ToString());
        }

        return null;
    }

    private static bool TryGetString(ref Utf8JsonReader reader, out string value)
    {
        try
        {
            value = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = string.Empty;
            return false;
        }
    }

    private static ProblemDetails Malformed(string detail, string field) => ApiProblem.Create(
        StatusCodes.Status400BadRequest, "Malformed request", detail, [new ApiError(detail, StatusCodes.Status400BadRequest, field)]);

    private static ProblemDetails Limit(string limit, string detail, string field) => ApiProblem.Create(
        StatusCodes.Status422UnprocessableEntity,
        "Limit exceeded",
        $"{detail} ({limit})",
        [new ApiError($"{detail} ({limit})", StatusCodes.Status422UnprocessableEntity, field)],
        rule: limit);

    /// <summary>The JSON path of the current token, for messages, and the property names seen per open object.</summary>
    private sealed class JsonPathTracker
    {
        private readonly Stack<Frame> _frames = new();

        public void Open(bool isObject) => _frames.Push(new Frame(isObject));

        public void Close() => _frames.Pop();

        /// <summary>Records a property name; false when the object already has it.</summary>
        public bool Name(string name)
        {
            var frame = _frames.Peek();
            frame.Property = name;
            return frame.Names!.Add(name);
        }

        /// <summary>A value starts: in an array it is the next element.</summary>
        public void Value()
        {
            if (_frames.TryPeek(out var frame) && !frame.IsObject)
            {
                frame.Index++;
            }
        }

        public override string ToString()
        {
            var text = new StringBuilder();
            foreach (var frame in _frames.Reverse())
            {
                if (frame.IsObject && frame.Property is not null)
                {
                    text.Append(text.Length == 0 ? "" : ".").Append(Printable(frame.Property));
                }
                else if (!frame.IsObject && frame.Index >= 0)
                {
                    text.Append('[').Append(frame.Index).Append(']');
                }
            }

            return text.Length == 0 ? "body" : text.ToString();
        }

        private static string Printable(string name) =>
            name.Length <= 40 ? name : name[..(char.IsHighSurrogate(name[39]) ? 39 : 40)] + "…";

        private sealed class Frame(bool isObject)
        {
            public bool IsObject { get; } = isObject;

            public HashSet<string>? Names { get; } = isObject ? new HashSet<string>(StringComparer.Ordinal) : null;

            public string? Property { get; set; }

            public int Index { get; set; } = -1;
        }
    }
}
