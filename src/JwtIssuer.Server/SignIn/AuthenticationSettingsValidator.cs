using JwtIssuer.Configuration;
using JwtIssuer.Server.SignIn.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.SignIn;

/// <summary>
/// Checks the <c>Authentication</c> section, the OpenID Connect client secret's file included, so a secret file that
/// cannot be read stops start-up like any other bad setting.
/// </summary>
internal sealed class AuthenticationSettingsValidator(OpenIdConnectClientSecret clientSecret) : IValidateOptions<AuthenticationSettings>
{
    private const string Section = "Authentication:OpenIdConnect";

    public ValidateOptionsResult Validate(string? name, AuthenticationSettings options)
    {
        var errors = new List<string>();
        if (options.OpenIdConnect is { } oidc)
        {
            Check(oidc, errors);
        }
        else if (!options.LocalAccounts)
        {
            errors.Add($"Authentication:LocalAccounts is false but {Section} is not configured, so nobody could sign in. Configure the provider or turn local accounts back on.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void Check(OpenIdConnectSettings oidc, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(oidc.Authority))
        {
            errors.Add($"{Section}:Authority is missing. Set the provider's issuer URL, for example https://login.microsoftonline.com/<tenant>/v2.0.");
        }
        else if (ConfiguredUrl.Parse(oidc.Authority) is not { Query.Length: 0, Fragment.Length: 0 })
        {
            errors.Add($"{Section}:Authority '{oidc.Authority}' is not an https URL with no query: use {ConfiguredUrl.Rule}.");
        }

        if (string.IsNullOrWhiteSpace(oidc.ClientId))
        {
            errors.Add($"{Section}:ClientId is missing. Use the client (application) id the provider gave this service.");
        }

        if (string.IsNullOrEmpty(oidc.ClientSecret) == string.IsNullOrEmpty(oidc.ClientSecretFile))
        {
            errors.Add($"{Section} needs exactly one of ClientSecret and ClientSecretFile.");
        }
        else if (clientSecret.Get(oidc, out var error) is null)
        {
            errors.Add(error!);
        }

        if (!oidc.EffectiveScopes.Contains("openid", StringComparer.Ordinal))
        {
            errors.Add($"{Section}:Scopes must include openid.");
        }

        if (string.IsNullOrWhiteSpace(oidc.EmailClaim) || string.IsNullOrWhiteSpace(oidc.NameClaim))
        {
            errors.Add($"{Section}:EmailClaim and NameClaim may not be empty (defaults: email, name).");
        }

        if (oidc.RequireVerifiedEmail && oidc.EmailClaim != "email")
        {
            errors.Add($"{Section}:EmailClaim is '{oidc.EmailClaim}', but email_verified vouches only for the email claim. Set RequireVerifiedEmail to false and list AllowedEmailDomains (see the Entra ID recipe in docs/openid-connect.md).");
        }

        if (!oidc.RequireVerifiedEmail && oidc.AllowedEmailDomains.Count == 0)
        {
            errors.Add($"{Section}:RequireVerifiedEmail is false, so AllowedEmailDomains must list the domains whose addresses the provider's administrators control.");
        }

        if (oidc.CreateUsers && oidc.AllowedEmailDomains.Count == 0 && oidc.RequiredClaim is null)
        {
            errors.Add($"{Section}:CreateUsers is true with neither AllowedEmailDomains nor RequiredClaim, so anyone the provider knows would become an agent. Limit it with one of them.");
        }

        for (var i = 0; i < oidc.AllowedEmailDomains.Count; i++)
        {
            var domain = oidc.AllowedEmailDomains[i];
            if (Uri.CheckHostName(domain) != UriHostNameType.Dns || !domain.Contains('.') || !domain.All(char.IsAscii))
            {
                errors.Add($"{Section}:AllowedEmailDomains:{i} '{domain}' is not a domain name. Use the part after '@', such as example.com (IDN in punycode).");
            }
        }

        if (oidc.RequiredClaim is { } required && (string.IsNullOrWhiteSpace(required.Type) || string.IsNullOrEmpty(required.Value)))
        {
            errors.Add($"{Section}:RequiredClaim needs both Type and Value, for example Type 'groups' and Value 'comm100-agents'.");
        }

        if (oidc.AdminClaim is { } admin && (string.IsNullOrWhiteSpace(admin.Type) || string.IsNullOrEmpty(admin.Value)))
        {
            errors.Add($"{Section}:AdminClaim needs both Type and Value, for example Type 'groups' and Value 'support-admins'.");
        }

        if (string.IsNullOrWhiteSpace(oidc.DisplayName) || oidc.DisplayName.Length > 64)
        {
            errors.Add($"{Section}:DisplayName must be 1 to 64 characters.");
        }
    }
}
