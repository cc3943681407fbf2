using System.Buffers;
using System.Globalization;
using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace Dispatcher.Infrastructure.Persistence.Mongo;

/// <summary>
/// Stores a JSON object (an app's <c>fields</c>) as an embedded BSON document and reads it back as JSON.
/// The conversion is done by hand rather than through MongoDB's extended-JSON parser, so user keys such as
/// <c>$date</c> stay plain data. Integers become Int32/Int64, other numbers doubles (so <c>1.50</c> reads back as
/// <c>1.5</c>). Values that JSON cannot hold (written by other tools) read back as strings.
/// </summary>
internal sealed class JsonElementBsonSerializer : SerializerBase<JsonElement>
{
    public override void Serialize(BsonSerializationContext context, BsonSerializationArgs args, JsonElement value) =>
        BsonDocumentSerializer.Instance.Serialize(
            context,
            value.ValueKind == JsonValueKind.Object ? (BsonDocument)ToBson(value) : new BsonDocument());

    public override JsonElement Deserialize(BsonDeserializationContext context, BsonDeserializationArgs args)
    {
        if (context.Reader.GetCurrentBsonType() == BsonType.Null)
        {
            context.Reader.ReadNull();
            return default;
        }

        var value = BsonValueSerializer.Instance.Deserialize(context);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteJson(writer, value);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static BsonValue ToBson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new BsonDocument(element.EnumerateObject().Select(p => new BsonElement(p.Name, ToBson(p.Value)))),
        JsonValueKind.Array => new BsonArray(element.EnumerateArray().Select(ToBson)),
        JsonValueKind.String => new BsonString(element.GetString()),
        JsonValueKind.Number when element.TryGetInt32(out var int32) => new BsonInt32(int32),
        JsonValueKind.Number when element.TryGetInt64(out var int64) => new BsonInt64(int64),
        JsonValueKind.Number => new BsonDouble(element.GetDouble()),
        JsonValueKind.True => BsonBoolean.True,
        JsonValueKind.False => BsonBoolean.False,
        _ => BsonNull.Value,
    };

    private static void WriteJson(Utf8JsonWriter writer, BsonValue value)
    {
        switch (value.BsonType)
        {
            case BsonType.Document:
                writer.WriteStartObject();
                foreach (var element in value.AsBsonDocument)
                {
                    writer.WritePropertyName(element.Name);
                    WriteJson(writer, element.Value);
                }

                writer.WriteEndObject();
                break;
            case BsonType.Array:
                writer.WriteStartArray();
                foreach (var item in value.AsBsonArray)
                {
                    WriteJson(writer, item);
                }

                writer.WriteEndArray();
                break;
            case BsonType.String:
                writer.WriteStringValue(value.AsString);
                break;
            case BsonType.Int32:
                writer.WriteNumberValue(value.AsInt32);
                break;
            case BsonType.Int64:
                writer.WriteNumberValue(value.AsInt64);
                break;
            case BsonType.Double when double.IsFinite(value.AsDouble):
                writer.WriteNumberValue(value.AsDouble);
                break;
            case BsonType.Decimal128 when !Decimal128.IsNaN(value.AsDecimal128) && !Decimal128.IsInfinity(value.AsDecimal128):
                writer.WriteRawValue(value.AsDecimal128.ToString());
                break;
            case BsonType.Boolean:
                writer.WriteBooleanValue(value.AsBoolean);
                break;
            case BsonType.Null or BsonType.Undefined:
                writer.WriteNullValue();
                break;
            case BsonType.DateTime:
                writer.WriteStringValue(value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }
}
