namespace JwtIssuer.Tokens;

/// <summary>What <see cref="TokenVerifier"/> found: valid or not, why, and the token's decoded parts.</summary>
/// <param name="IsValid">True when signature, algorithm, issuer, audience and lifetime all check out.</param>
/// <param name="Reason">One sentence: what makes it valid, or exactly what does not.</param>
/// <param name="Consumer">The consumer it was checked against, when one could be chosen.</param>
/// <param name="Header">The header as indented JSON, when the token could be decoded.</param>
/// <param name="Payload">The claims as indented JSON, when the token could be decoded.</param>
internal sealed record TokenVerification(bool IsValid, string Reason, string? Consumer, string? Header, string? Payload);
