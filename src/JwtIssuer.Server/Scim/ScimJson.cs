using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace JwtIssuer.Server.Scim;

/// <summary>The URNs of the SCIM schemas and messages this service speaks (RFC 7643, RFC 7644).</summary>
internal static class ScimSchemas
{
    public const string User = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string ListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    public const string Error = "urn:ietf:params:scim:api:messages:2.0:Error";
    public const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    public const string ServiceProviderConfig = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
    public const string ResourceType = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
    public const string Schema = "urn:ietf:params:scim:schemas:core:2.0:Schema";
}

/// <summary>
/// A request SCIM refuses: answered as a SCIM error document (RFC 7644 section 3.12) with its HTTP status and, for a
/// 400 or 409, the <c>scimType</c> that says what was wrong.
/// </summary>
internal sealed class ScimException(int status, string? scimType, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string? ScimType { get; } = scimType;

    public static ScimException InvalidValue(string detail) => new(StatusCodes.Status400BadRequest, "invalidValue", detail);

    public static ScimException InvalidSyntax(string detail) => new(StatusCodes.Status400BadRequest, "invalidSyntax", detail);

    public static ScimException InvalidFilter(string detail) => new(StatusCodes.Status400BadRequest, "invalidFilter", detail);

    public static ScimException InvalidPath(string detail) => new(StatusCodes.Status400BadRequest, "invalidPath", detail);

    public static ScimException Uniqueness(string detail) => new(StatusCodes.Status409Conflict, "uniqueness", detail);

    public static ScimException NotFound(string detail) => new(StatusCodes.Status404NotFound, null, detail);
}

/// <summary>
/// Reading what a SCIM client sends and writing what it reads. Attribute names are case-insensitive in SCIM
/// (RFC 7643 section 2.1), so lookups ignore case; a name given twice (in any case) is refused rather than guessed at.
/// </summary>
internal static class ScimJson
{
    public const string MediaType = "application/scim+json";

    /// <summary>The largest request body read; a user is a few hundred bytes.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    /// <summary>The request's JSON body, refused as SCIM errors when it is not JSON, too large or not an object.</summary>
    public static async Task<JsonElement> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentType is { } type && !(type.StartsWith(MediaType, StringComparison.OrdinalIgnoreCase) || type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ScimException(StatusCodes.Status415UnsupportedMediaType, null, $"Send {MediaType} (or application/json).");
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            throw TooLarge();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw TooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), DocumentOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw ScimException.InvalidSyntax("The body must be a JSON object.");
            }

            CheckText(document.RootElement);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw ScimException.InvalidSyntax($"The body is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>
    /// Refuses a name or string that is not valid Unicode (an escaped lone surrogate, <c>"\ud800"</c>): JSON lets it
    /// through, but reading it throws, and PostgreSQL would refuse it.
    /// </summary>
    private static void CheckText(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (HasLoneSurrogate(property.Name))
                        {
                            throw new InvalidOperationException();
                        }

                        CheckText(property.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        CheckText(item);
                    }

                    break;
                case JsonValueKind.String when HasLoneSurrogate(element.GetString()!):
                    throw new InvalidOperationException();
            }
        }
        catch (InvalidOperationException)
        {
            throw ScimException.InvalidSyntax("The body holds text that is not valid Unicode.");
        }
    }

    /// <summary>Whether the text has half a surrogate pair.</summary>
    public static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static ScimException TooLarge() => new(StatusCodes.Status413PayloadTooLarge, null, $"The body is larger than {MaxBodyBytes} bytes.");

    /// <summary>The attribute <paramref name="name"/> of an object, whatever its case; false when absent.</summary>
    public static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        var found = false;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                if (found)
                {
                    throw ScimException.InvalidSyntax($"'{name}' is given more than once.");
                }

                (value, found) = (property.Value, true);
            }
        }

        return found;
    }

    /// <summary>
    /// Every attribute of an object, refusing one named twice (in any case): a client or proxy that reads the other copy
    /// must not see a different user than we do.
    /// </summary>
    public static IEnumerable<JsonProperty> Attributes(JsonElement element)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                throw ScimException.InvalidSyntax($"'{property.Name}' is given more than once.");
            }

            yield return property;
        }
    }

    /// <summary>A string attribute: null for JSON null; refused when another type, has a control character or is over 256 characters.</summary>
    public static string? String(JsonElement value, string attribute)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw ScimException.InvalidValue($"'{attribute}' must be a string.");
        }

        var text = value.GetString()!.Trim();
        if (text.Length > 256 || text.Any(char.IsControl))
        {
            throw ScimException.InvalidValue($"'{attribute}' must be at most 256 characters, without control characters.");
        }

        return text.Length == 0 ? null : text;
    }

    /// <summary>
    /// A boolean attribute. Entra ID sends <c>active</c> as the string <c>"False"</c> or <c>"True"</c> in some PATCH
    /// requests (its documented quirk), so those strings count too, in any case; nothing else does.
    /// </summary>
    public static bool Boolean(JsonElement value, string attribute) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String when bool.TryParse(value.GetString(), out var parsed) && value.GetString()!.Trim().Length == value.GetString()!.Length => parsed,
        _ => throw ScimException.InvalidValue($"'{attribute}' must be true or false."),
    };

    /// <summary>An optional paging parameter: a whole number, or the default when absent.</summary>
    public static int Integer(string? text, string parameter, int fallback) =>
        text is null ? fallback
        : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? (int)Math.Clamp(value, int.MinValue, int.MaxValue)
        : text.TrimStart('-', '+') is { Length: > 0 } digits && text.Length - digits.Length == 1 && digits.All(char.IsAsciiDigit) ? (text.StartsWith('-') ? int.MinValue : int.MaxValue)
        : throw ScimException.InvalidValue($"'{parameter}' must be a whole number.");

    /// <summary>A SCIM response: the document, <c>application/scim+json</c>, never cached (it names people).</summary>
    public static IResult Result(JsonNode document, int status = StatusCodes.Status200OK, string? location = null) => new ScimResult(document, status, location);

    /// <summary>A SCIM error document.</summary>
    public static IResult Error(int status, string? scimType, string detail)
    {
        var error = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemas.Error),
            ["status"] = status.ToString(CultureInfo.InvariantCulture),
        };
        if (scimType is not null)
        {
            error["scimType"] = scimType;
        }

        error["detail"] = detail;
        return Result(error, status);
    }

    public static IResult Error(ScimException error) => Error(error.Status, error.ScimType, error.Message);

    private sealed class ScimResult(JsonNode document, int status, string? location) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = MediaType + "; charset=utf-8";
            response.Headers.CacheControl = "no-store";
            if (location is not null)
            {
                response.Headers.Location = location;
            }

            await using var writer = new Utf8JsonWriter(response.Body);
            document.WriteTo(writer);
            await writer.FlushAsync(httpContext.RequestAborted);
        }
    }
}
