using JwtIssuer.Server.SignIn.OpenIdConnect;

namespace JwtIssuer.Server.SignIn;

/// <summary>The <c>Authentication</c> configuration section: how agents sign in here.</summary>
public sealed class AuthenticationSettings
{
    public const string SectionName = "Authentication";

    /// <summary>
    /// True (the default): the login page takes an email and a password (SignIn/Password). False: only the OpenID
    /// Connect provider below signs agents in; the password form is gone and a posted password is refused.
    /// </summary>
    public bool LocalAccounts { get; set; } = true;

    /// <summary>The company's OpenID Connect provider; unset, there is none.</summary>
    public OpenIdConnectSettings? OpenIdConnect { get; set; }
}
