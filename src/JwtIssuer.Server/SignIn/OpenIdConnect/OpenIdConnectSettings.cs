namespace JwtIssuer.Server.SignIn.OpenIdConnect;

/// <summary>The <c>Authentication:OpenIdConnect</c> section: one upstream provider (Entra ID, Okta, Google, Keycloak, ...).</summary>
public sealed class OpenIdConnectSettings
{
    /// <summary>The redirect URI to register with the provider is this path on the server's public origin.</summary>
    public const string CallbackPath = "/signin-oidc";

    public static readonly string[] DefaultScopes = ["openid", "profile", "email"];

    /// <summary>The provider's issuer URL; its metadata is read from <c>.well-known/openid-configuration</c> below it.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>The client secret; or <see cref="ClientSecretFile"/>. Exactly one.</summary>
    public string? ClientSecret { get; set; }

    public string? ClientSecretFile { get; set; }

    /// <summary>Scopes to ask for; by default <c>openid profile email</c>. Must include <c>openid</c>.</summary>
    public List<string> Scopes { get; } = [];

    /// <summary>The ID token claim that holds the agent's email address (Entra ID: often <c>preferred_username</c>).</summary>
    public string EmailClaim { get; set; } = "email";

    /// <summary>The ID token claim that holds the display name.</summary>
    public string NameClaim { get; set; } = "name";

    /// <summary>
    /// True (the default): the ID token must say <c>email_verified: true</c>. Turn off only for a provider that does not
    /// send it and whose email claim only the company's administrators can set, and then list AllowedEmailDomains.
    /// </summary>
    public bool RequireVerifiedEmail { get; set; } = true;

    /// <summary>Email domains (exactly, case-insensitively) whose agents may sign in; empty: any.</summary>
    public List<string> AllowedEmailDomains { get; } = [];

    /// <summary>A claim the ID token must carry, such as a group: <c>{ "Type": "groups", "Value": "comm100-agents" }</c>.</summary>
    public RequiredClaimSettings? RequiredClaim { get; set; }

    /// <summary>
    /// A claim that makes an agent an admin, such as <c>{ "Type": "groups", "Value": "support-admins" }</c>: checked at
    /// every sign-in through the provider, which sets the admin mark when the ID token carries it and clears it when not.
    /// </summary>
    public RequiredClaimSettings? AdminClaim { get; set; }

    /// <summary>
    /// False (the default): only agents who already have a user here (<c>users add EMAIL --no-password</c>) may sign in.
    /// True: a first sign-in creates the user.
    /// </summary>
    public bool CreateUsers { get; set; }

    /// <summary>The provider's name on the login page's button: "Sign in with ...".</summary>
    public string DisplayName { get; set; } = "your organization's account";

    /// <summary>The scopes asked for: <see cref="Scopes"/>, or the defaults when none are configured.</summary>
    public IReadOnlyList<string> EffectiveScopes => Scopes.Count > 0 ? Scopes : DefaultScopes;
}

/// <summary>A claim type and the value it must have.</summary>
public sealed class RequiredClaimSettings
{
    public string? Type { get; set; }

    public string? Value { get; set; }
}
