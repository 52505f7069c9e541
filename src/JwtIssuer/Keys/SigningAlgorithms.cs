namespace JwtIssuer.Keys;

/// <summary>The JWS algorithms this issuer signs with.</summary>
internal static class SigningAlgorithms
{
    /// <summary>HMAC with SHA-256 over a shared secret.</summary>
    public const string HS256 = "HS256";

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256.</summary>
    public const string RS256 = "RS256";

    /// <summary>ECDSA on P-256 with SHA-256.</summary>
    public const string ES256 = "ES256";

    /// <summary>All supported algorithms, for messages.</summary>
    public static readonly IReadOnlyList<string> All = [HS256, RS256, ES256];
}
