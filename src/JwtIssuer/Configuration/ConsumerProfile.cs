namespace JwtIssuer.Configuration;

/// <summary>
/// Which product a consumer is, and so its handshake: the entry parameters, the claims and how the token is delivered.
/// </summary>
public enum ConsumerProfile
{
    /// <summary>Comm100 Agent SSO: <c>GET /api/jwt?redirect_url=...</c>, the token appended as <c>jwt</c> (the default).</summary>
    Comm100,

    /// <summary>
    /// Zendesk JWT single sign-on: <c>GET /sso/{consumer}?return_to=...</c>, an HS256 token with <c>iat</c>, <c>jti</c>,
    /// <c>email</c>, <c>name</c> and <c>external_id</c>, posted by the browser to Zendesk's <c>/access/jwt</c>.
    /// </summary>
    Zendesk,

    /// <summary>
    /// Freshworks SSO with JWT (its custom policy): <c>GET /sso/{consumer}?state=...&amp;nonce=...&amp;redirect_uri=...</c>,
    /// an RS256 <c>id_token</c> carrying the nonce, redirected to <c>redirect_uri</c> with <c>state</c>.
    /// </summary>
    Freshworks,
}
