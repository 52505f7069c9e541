using System.Security.Cryptography;
using System.Text;
using JwtIssuer.Configuration;
using JwtIssuer.Endpoints;
using JwtIssuer.Keys;
using JwtIssuer.Server.Sessions;
using Microsoft.IdentityModel.Tokens;

namespace JwtIssuer.Server.Comm100;

/// <summary>
/// What goes into Comm100's Control Panel for one consumer (its article "How to enable JWT SSO for agents" names the
/// fields: the remote login URL, the optional remote logout URL, the JWT certificate), and what the admin should know
/// of the tokens. <c>jwt-issuer comm100 setup</c> prints it; the admin area's Comm100 setup page shows it. Never a
/// private key; an HS256 secret only when asked (the command line's <c>--show-secret</c>), else where it is kept.
/// </summary>
public sealed record Comm100Setup(
    string Consumer,
    string LoginUrl,
    string LogoutUrl,
    string JwksUrl,
    string Algorithm,
    string KeyId,
    string? PublicKeyPem,
    string? Secret,
    string SecretSource,
    IReadOnlyList<string> RedirectUrls,
    string Audience,
    string Subject,
    TimeSpan Lifetime,
    string? PublicKeyFingerprint)
{
    /// <summary>A Comm100 consumer (its profile) with a key Comm100 takes: HS256 or RS256.</summary>
    internal static bool Accepts(ConsumerModel consumer) =>
        consumer.Profile == ConsumerProfile.Comm100 && consumer.Key.Algorithm is SigningAlgorithms.HS256 or SigningAlgorithms.RS256;

    /// <summary>The setup of <paramref name="consumer"/> for this service at <paramref name="service"/> (its public URL).</summary>
    internal static Comm100Setup For(ConsumerModel consumer, Uri service, bool showSecret)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(service);
        var root = service.AbsoluteUri.TrimEnd('/');
        var key = consumer.Key;
        return new Comm100Setup(
            consumer.Name,
            root + JwtEndpoint.Route,
            root + SignedOutModel.Route,
            root + JwksEndpoint.Route,
            key.Algorithm,
            key.Id,
            key.Credentials.Key is RsaSecurityKey { Rsa: RSA rsa } ? rsa.ExportSubjectPublicKeyInfoPem() : null,
            showSecret && key.Credentials.Key is SymmetricSecurityKey secret ? Encoding.UTF8.GetString(secret.Key) : null,
            key.Source,
            [.. consumer.RedirectUrls],
            consumer.Audience,
            consumer.Subject.Text,
            consumer.Lifetime,
            key.PublicKeyFingerprint);
    }
}
