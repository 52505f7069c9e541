using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using JwtIssuer.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace JwtIssuer.Server.Sso;

/// <summary>
/// What goes into a non-Comm100 product's settings for one consumer, in the product's own words:
/// Zendesk's "Enabling JWT single sign-on" (remote login URL, remote logout URL, shared secret) and Freshworks'
/// "SSO with custom JWT" (Authorization URL, RSA public key). <c>jwt-issuer consumer setup NAME</c> prints it. Never a
/// private key; the HS256 secret only when asked.
/// </summary>
internal static class SsoSetup
{
    /// <summary>The entry point of a consumer: <c>/sso/{consumer}</c>.</summary>
    public static string LoginUrl(Uri service, ConsumerModel consumer) => $"{service.AbsoluteUri.TrimEnd('/')}/sso/{Uri.EscapeDataString(consumer.Name)}";

    public static string Describe(ConsumerModel consumer, Uri service, bool showSecret)
    {
        var login = LoginUrl(service, consumer);
        var text = new StringBuilder();
        var key = consumer.Key;
        if (consumer.Profile == ConsumerProfile.Zendesk)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Zendesk JWT single sign-on for consumer '{consumer.Name}'.");
            text.AppendLine("In Zendesk's Admin Center: Account > Security > Single sign-on > Create SSO configuration > JSON Web Token, and enter:");
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"  Remote login URL:   {login}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  Remote logout URL:  {login}/logout");
            text.AppendLine(showSecret && key.Credentials.Key is SymmetricSecurityKey secret
                ? $"  Shared secret:      {Encoding.UTF8.GetString(secret.Key)}"
                : $"  Shared secret:      the exact text kept in {key.Source}; Zendesk makes one with \"Reset secret\": keep that one there. (Run with --show-secret to print it here.)");
            text.AppendLine();
            text.AppendLine("The agent's browser posts each token to (the consumer's URL, which must be your Zendesk subdomain's /access/jwt, not a host-mapped domain):");
            foreach (var url in consumer.RedirectUrls)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {url}");
            }

            text.AppendLine();
            text.AppendLine("Tokens: HS256 with iat, jti, email, name and external_id (this service's user id). Zendesk signs agents in by email;");
            text.AppendLine("turn on \"Update of external ids\" in Zendesk if agents' emails may change.");
            text.AppendLine("Then: Admin Center > Account > Security > Team member authentication > External authentication > Single sign-on: choose this configuration.");
        }
        else
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Freshworks SSO with JWT for consumer '{consumer.Name}'.");
            text.AppendLine("In your Freshworks organization (https://<org>.myfreshworks.com): Security > Agents & Employees (or Contacts) > Custom policy > JWT, and enter:");
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"  Authorization URL:  {login}");
            text.AppendLine("  RSA Public Key:");
            text.AppendLine();
            text.AppendLine(key.Credentials.Key is RsaSecurityKey { Rsa: RSA rsa } ? rsa.ExportSubjectPublicKeyInfoPem() : "  (not an RSA key)");
            text.AppendLine();
            text.AppendLine("Freshworks sends the browser here with redirect_uri, state and nonce; tokens go back only to these redirect_uri values, exactly:");
            foreach (var url in consumer.RedirectUrls)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {url}");
            }

            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Tokens: RS256 id_token (key id '{key.Id}') with sub (this service's user id), email, iat, nonce, given_name, family_name,");
            text.AppendLine(CultureInfo.InvariantCulture, $"iss, aud (the request's client_id) and exp (lifetime {consumer.Lifetime}); sent to redirect_uri with state.");
            if (key.PublicKeyFingerprint is { } fingerprint)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"Public key SHA-256: {fingerprint}.");
            }
        }

        return text.ToString();
    }
}
