using Microsoft.AspNetCore.Identity;

namespace JwtIssuer.Server.Users;

/// <summary>An agent who may sign in and receive tokens. The user name is the email address.</summary>
public sealed class User : IdentityUser
{
    /// <summary>The display name (the <c>{name}</c> claim template).</summary>
    public string? DisplayName { get; set; }

    /// <summary>A disabled user cannot sign in and gets no token, even with a live session.</summary>
    public bool IsDisabled { get; set; }

    /// <summary>
    /// May use the admin area (<c>/admin</c>). A role, not another kind of account: an admin is an agent too. With
    /// <c>Authentication:OpenIdConnect:AdminClaim</c>, each sign-in through the provider sets or clears it.
    /// </summary>
    public bool IsAdmin { get; set; }

    /// <summary>When the user was created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// The SCIM <c>userName</c> the identity provider gave this agent (an Entra ID user principal name, an Okta login),
    /// as sent; null for an agent SCIM never named, whose SCIM <c>userName</c> is then their email.
    /// </summary>
    public string? ScimUserName { get; set; }

    /// <summary><see cref="ScimUserName"/> upper-cased, as Identity normalizes names: SCIM user names ignore case.</summary>
    public string? NormalizedScimUserName { get; set; }

    /// <summary>The identity provider's own id for the agent (SCIM <c>externalId</c>).</summary>
    public string? ExternalId { get; set; }

    /// <summary>SCIM <c>name.givenName</c>.</summary>
    public string? GivenName { get; set; }

    /// <summary>SCIM <c>name.familyName</c>.</summary>
    public string? FamilyName { get; set; }
}
