using JwtIssuer.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace JwtIssuer.Keys;

/// <summary>
/// Every configured signing key, imported once at start-up into long-lived credentials.
/// Importing per request is several times slower for RSA and defeats IdentityModel's provider cache.
/// A key that cannot be imported stops start-up with every such problem named.
/// </summary>
public sealed class SigningKeyRing
{
    private readonly Dictionary<string, SigningCredentials> _credentials = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Loads every key of the validated options.</summary>
    public SigningKeyRing(IOptions<JwtIssuerOptions> options, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);

        var errors = new List<string>();
        foreach (var (id, key) in options.Value.SigningKeys)
        {
            if (SigningKeyLoader.TryLoad(id, key, environment.ContentRootPath, out var error) is { } credentials)
            {
                _credentials.Add(id, credentials);
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
    }

    /// <summary>The ids of all loaded keys.</summary>
    public IEnumerable<string> KeyIds => _credentials.Keys;

    /// <summary>The credentials of the key with this id.</summary>
    public SigningCredentials this[string keyId] => _credentials[keyId];
}
