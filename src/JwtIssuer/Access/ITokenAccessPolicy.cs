using System.Security.Claims;
using JwtIssuer.Tokens;

namespace JwtIssuer.Access;

/// <summary>
/// The host's say on each token request: allow it (optionally with claims of its own), refuse it, or send the user
/// to sign in again. The default allows every authenticated user.
/// </summary>
public interface ITokenAccessPolicy
{
    /// <summary>Decides one request; called after the redirect URL was accepted and the user is signed in.</summary>
    ValueTask<TokenAccess> CheckAsync(TokenRequest request, CancellationToken cancellationToken);
}

/// <summary>What the endpoint knows of a token request when it asks the <see cref="ITokenAccessPolicy"/>.</summary>
/// <param name="User">The signed-in principal, as the host's authentication scheme produced it.</param>
/// <param name="Subject">The user id, email and name read from it (see <c>JwtIssuer:UserClaims</c>).</param>
/// <param name="Consumer">The consumer whose redirect URL matched.</param>
public sealed record TokenRequest(ClaimsPrincipal User, TokenSubject Subject, string Consumer);

/// <summary>The policy's answer: <see cref="Allow"/>, <see cref="AllowWithClaims"/>, <see cref="Deny"/> or <see cref="SignInAgain"/>.</summary>
public sealed class TokenAccess
{
    private TokenAccess(TokenAccessKind kind, IReadOnlyDictionary<string, string>? claims, string? message)
    {
        Kind = kind;
        Claims = claims;
        Message = message;
    }

    /// <summary>Mint the token.</summary>
    public static TokenAccess Allow { get; } = new(TokenAccessKind.Allow, null, null);

    /// <summary>Send the user to sign in again (the host's challenge), for example when the session is stale.</summary>
    public static TokenAccess SignInAgain { get; } = new(TokenAccessKind.SignInAgain, null, null);

    /// <summary>Which answer this is.</summary>
    public TokenAccessKind Kind { get; }

    /// <summary>Claims to add to the token (string values); never one the issuer sets itself.</summary>
    public IReadOnlyDictionary<string, string>? Claims { get; }

    /// <summary>For a refusal: what the user is told, instead of the default message.</summary>
    public string? Message { get; }

    /// <summary>Mint the token with these claims added (after the consumer's configured claims).</summary>
    public static TokenAccess AllowWithClaims(IReadOnlyDictionary<string, string> claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        if (claims.Keys.FirstOrDefault(type => TokenMinter.ReservedClaims.Contains(type, StringComparer.Ordinal)) is { } reserved)
        {
            throw new ArgumentException($"The claim '{reserved}' is set by the issuer itself ({string.Join(", ", TokenMinter.ReservedClaims)}).", nameof(claims));
        }

        return new TokenAccess(TokenAccessKind.Allow, claims, null);
    }

    /// <summary>Refuse the token: a 403 page, with <paramref name="message"/> if given.</summary>
    public static TokenAccess Deny(string? message = null) => new(TokenAccessKind.Deny, null, message);
}

/// <summary>The kinds of <see cref="TokenAccess"/>.</summary>
public enum TokenAccessKind
{
    /// <summary>Mint the token.</summary>
    Allow,

    /// <summary>Refuse with 403.</summary>
    Deny,

    /// <summary>Challenge: the user signs in again.</summary>
    SignInAgain,
}

internal sealed class AllowAuthenticatedUsers : ITokenAccessPolicy
{
    public ValueTask<TokenAccess> CheckAsync(TokenRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(TokenAccess.Allow);
}
