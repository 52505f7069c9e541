using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace JwtIssuer.Keys;

/// <summary>A loaded signing key: its id (the tokens' <c>kid</c>), algorithm, credentials and public description.</summary>
internal sealed class SigningKey
{
    internal SigningKey(string id, string algorithm, SigningCredentials credentials, string source)
    {
        Id = id;
        Source = source;
        Algorithm = algorithm;
        Credentials = credentials;
        PublicKeyFingerprint = credentials.Key switch
        {
            RsaSecurityKey { Rsa: { } rsa } => FingerprintOf(rsa),
            ECDsaSecurityKey { ECDsa: { } ecdsa } => FingerprintOf(ecdsa),
            _ => null,
        };
        PublicJwk = ToPublicJwk(id, algorithm, credentials.Key);
    }

    /// <summary>The key id, sent as the token header's <c>kid</c>.</summary>
    public string Id { get; }

    /// <summary><c>HS256</c>, <c>RS256</c> or <c>ES256</c>.</summary>
    public string Algorithm { get; }

    /// <summary>Where the key material is kept, in words: "the file /run/secrets/comm100 (JwtIssuer:SigningKeys:k:SecretFile)".</summary>
    public string Source { get; }

    /// <summary>Long-lived credentials, imported once.</summary>
    public SigningCredentials Credentials { get; }

    /// <summary>Key size in bits (for a shared secret, its length in bits).</summary>
    public int KeySize => Credentials.Key.KeySize;

    /// <summary>Lower-case hex SHA-256 of the public key's SubjectPublicKeyInfo (DER); null for a shared secret.</summary>
    /// <remarks>The same as <c>openssl pkey -in key.pem -pubout -outform DER | sha256sum</c>.</remarks>
    public string? PublicKeyFingerprint { get; }

    /// <summary>Lower-case hex SHA-256 of a key's SubjectPublicKeyInfo (DER), as <c>sha256sum</c> prints it.</summary>
    public static string FingerprintOf(AsymmetricAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>The public key as a JWK, or null for a shared secret, which is never published.</summary>
    internal JsonObject? PublicJwk { get; }

    private static JsonObject? ToPublicJwk(string id, string algorithm, SecurityKey key)
    {
        // Built from the exported public parameters only, so no private member (d, p, q, ...) can slip in.
        switch (key)
        {
            case RsaSecurityKey { Rsa: { } rsa }:
                var rsaParameters = rsa.ExportParameters(includePrivateParameters: false);
                return new JsonObject
                {
                    ["kty"] = "RSA",
                    ["kid"] = id,
                    ["use"] = "sig",
                    ["alg"] = algorithm,
                    ["n"] = Base64Url.EncodeToString(rsaParameters.Modulus),
                    ["e"] = Base64Url.EncodeToString(rsaParameters.Exponent),
                };
            case ECDsaSecurityKey { ECDsa: { } ecdsa }:
                var point = ecdsa.ExportParameters(includePrivateParameters: false).Q;
                return new JsonObject
                {
                    ["kty"] = "EC",
                    ["kid"] = id,
                    ["use"] = "sig",
                    ["alg"] = algorithm,
                    ["crv"] = "P-256",
                    ["x"] = Base64Url.EncodeToString(point.X),
                    ["y"] = Base64Url.EncodeToString(point.Y),
                };
            default:
                return null;
        }
    }
}
