using System.Security.Claims;

namespace JwtIssuer.Tokens;

/// <summary>The signed-in user a token is minted for.</summary>
/// <param name="UserId">A stable identifier (the <c>{userId}</c> template).</param>
/// <param name="Email">The email address the consumer signs the agent in by.</param>
/// <param name="Name">A display name (the <c>{name}</c> template), if known.</param>
public sealed record TokenSubject(string UserId, string Email, string? Name)
{
    /// <summary>Reads the subject from a principal's standard claims; null when it has no email or id.</summary>
    public static TokenSubject? FromPrincipal(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var id = principal.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? principal.FindFirst("sub")?.Value;
        var email = principal.FindFirst(ClaimTypes.Email)?.Value ?? principal.FindFirst("email")?.Value;
        var name = principal.FindFirst("name")?.Value ?? principal.FindFirst(ClaimTypes.GivenName)?.Value;
        return string.IsNullOrEmpty(id) || string.IsNullOrEmpty(email) ? null : new TokenSubject(id, email, name);
    }
}
