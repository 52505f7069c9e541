using System.Security.Claims;
using JwtIssuer.Configuration;

namespace JwtIssuer.Tokens;

/// <summary>The signed-in user a token is minted for.</summary>
/// <param name="UserId">A stable identifier (the <c>{userId}</c> template).</param>
/// <param name="Email">The email address the consumer signs the agent in by.</param>
/// <param name="Name">A display name (the <c>{name}</c> template), if known.</param>
public sealed record TokenSubject(string UserId, string Email, string? Name)
{
    /// <summary>
    /// Reads the subject from a principal's claims, as <paramref name="claims"/> names them (by default the
    /// claim types of ASP.NET Core Identity and OpenID Connect); null when it has no email or id.
    /// </summary>
    internal static TokenSubject? FromPrincipal(ClaimsPrincipal principal, UserClaimOptions? claims = null)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var id = First(principal, claims?.UserId, UserClaimOptions.DefaultUserId);
        var email = First(principal, claims?.Email, UserClaimOptions.DefaultEmail);
        var name = First(principal, claims?.Name, UserClaimOptions.DefaultName);
        return string.IsNullOrEmpty(id) || string.IsNullOrEmpty(email) ? null : new TokenSubject(id, email, name);
    }

    private static string? First(ClaimsPrincipal principal, string? configured, string[] defaults)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return principal.FindFirst(configured)?.Value;
        }

        foreach (var type in defaults)
        {
            if (principal.FindFirst(type)?.Value is { Length: > 0 } value)
            {
                return value;
            }
        }

        return null;
    }
}
