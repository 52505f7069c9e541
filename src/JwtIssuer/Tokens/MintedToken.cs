namespace JwtIssuer.Tokens;

/// <summary>A freshly minted token and what an audit trail may record about it.</summary>
/// <remarks><see cref="ToString"/> leaves the token out, so logging this value never leaks the credential.</remarks>
internal readonly struct MintedToken(string token, string id, string keyId, string algorithm)
{
    /// <summary>The compact JWS: a credential, never to be logged.</summary>
    public string Token { get; } = token;

    /// <summary>The token's <c>jti</c>.</summary>
    public string Id { get; } = id;

    /// <summary>The <c>kid</c> of the key that signed it.</summary>
    public string KeyId { get; } = keyId;

    /// <summary><c>HS256</c>, <c>RS256</c> or <c>ES256</c>.</summary>
    public string Algorithm { get; } = algorithm;

    /// <inheritdoc />
    public override string ToString() => $"token {Id} ({Algorithm}, key {KeyId})";
}
