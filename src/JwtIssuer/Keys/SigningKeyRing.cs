using System.Text.Json.Nodes;
using JwtIssuer.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Keys;

/// <summary>
/// Every configured signing key, imported once at start-up into long-lived credentials.
/// Importing per request is several times slower for RSA and defeats IdentityModel's provider cache.
/// A key that cannot be imported stops start-up with every such problem named.
/// </summary>
public sealed partial class SigningKeyRing
{
    private readonly Dictionary<string, SigningKey> _keys = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Loads every key of the validated options.</summary>
    public SigningKeyRing(IOptions<JwtIssuerOptions> options, IHostEnvironment environment, ILogger<SigningKeyRing> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);

        var errors = new List<string>();
        var warnings = new List<string>();
        foreach (var (id, key) in options.Value.SigningKeys)
        {
            if (SigningKeyLoader.TryLoad(id, key, environment.ContentRootPath, warnings, out var error) is { } credentials)
            {
                _keys.Add(id, new SigningKey(id, key.Algorithm!, credentials));
            }
            else
            {
                errors.Add(error!);
            }
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(JwtIssuerOptions.SectionName, typeof(JwtIssuerOptions), errors);
        }

        foreach (var warning in warnings)
        {
            LogWarning(logger, warning);
        }

        Warnings = warnings;
        JsonWebKeySet = new JsonObject
        {
            ["keys"] = new JsonArray([.. _keys.Values.Select(signingKey => signingKey.PublicJwk).OfType<JsonObject>()]),
        }.ToJsonString();
    }

    /// <summary>Every loaded key.</summary>
    public IEnumerable<SigningKey> Keys => _keys.Values;

    /// <summary>The key with this id.</summary>
    public SigningKey this[string keyId] => _keys[keyId];

    /// <summary>Looks a key up by id (as in a token's <c>kid</c>).</summary>
    public bool TryGet(string keyId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SigningKey? key) => _keys.TryGetValue(keyId, out key);

    /// <summary>Problems that do not stop a key from working, such as a key file other users can read.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The public RS256/ES256 keys as a JWK Set (<c>/.well-known/jwks.json</c>). Shared secrets never appear.</summary>
    public string JsonWebKeySet { get; }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);
}
