using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace JwtIssuer.Keys;

/// <summary>
/// Every configured signing key, imported once at start-up into long-lived credentials (see
/// <see cref="Configuration.IssuerModelBuilder"/>). Importing per request is several times slower for RSA and defeats
/// IdentityModel's provider cache.
/// </summary>
internal sealed class SigningKeyRing
{
    private readonly Dictionary<string, SigningKey> _keys = new(StringComparer.OrdinalIgnoreCase);

    public SigningKeyRing(IEnumerable<SigningKey> keys)
    {
        foreach (var key in keys)
        {
            _keys.Add(key.Id, key);
        }

        JsonWebKeySet = new JsonObject
        {
            ["keys"] = new JsonArray([.. _keys.Values.Select(key => key.PublicJwk).OfType<JsonObject>()]),
        }.ToJsonString();
    }

    /// <summary>Every loaded key.</summary>
    public IEnumerable<SigningKey> Keys => _keys.Values;

    /// <summary>The public RS256/ES256 keys as a JWK Set (<c>/.well-known/jwks.json</c>). Shared secrets never appear.</summary>
    public string JsonWebKeySet { get; }

    /// <summary>Looks a key up by id (as in a token's <c>kid</c>).</summary>
    public bool TryGet(string keyId, [NotNullWhen(true)] out SigningKey? key) => _keys.TryGetValue(keyId, out key);
}
