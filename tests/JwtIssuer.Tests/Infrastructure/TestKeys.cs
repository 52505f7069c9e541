using System.Security.Cryptography;

namespace JwtIssuer.Tests.Infrastructure;

/// <summary>
/// TEST KEYS ONLY: generated fresh in every test run, never written to the repository, never used anywhere else.
/// </summary>
public static class TestKeys
{
    /// <summary>A 43-character HS256 secret, as Comm100 customers would paste it.</summary>
    public static readonly string HsSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=');

    public static readonly RSA Rsa = RSA.Create(2048);

    public static readonly ECDsa Ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The Zendesk consumer's shared secret: a key of its own, as start-up requires of another product.</summary>
    public static readonly string ZendeskSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=');

    /// <summary>The Freshworks consumer's RSA key: of its own, too.</summary>
    public static readonly RSA FreshworksRsa = RSA.Create(2048);

    public static string RsaPrivatePem => Rsa.ExportPkcs8PrivateKeyPem();

    public static string EcPrivatePem => Ecdsa.ExportPkcs8PrivateKeyPem();
}
