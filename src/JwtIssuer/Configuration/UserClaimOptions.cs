using System.Security.Claims;

namespace JwtIssuer.Configuration;

/// <summary>
/// <c>JwtIssuer:UserClaims</c>: which claims of the host's signed-in principal name the user. Unset, each reads the
/// claim types ASP.NET Core Identity and OpenID Connect sign-ins carry, in the order listed on each property.
/// </summary>
public sealed class UserClaimOptions
{
    /// <summary>The stable user id (<c>{userId}</c>). Default: <see cref="ClaimTypes.NameIdentifier"/>, then <c>sub</c>.</summary>
    public string? UserId { get; set; }

    /// <summary>The email address (the token's <c>email</c>). Default: <see cref="ClaimTypes.Email"/>, then <c>email</c>.</summary>
    public string? Email { get; set; }

    /// <summary>The display name (<c>{name}</c>). Default: <c>name</c>, then <see cref="ClaimTypes.GivenName"/>.</summary>
    public string? Name { get; set; }

    internal static readonly string[] DefaultUserId = [ClaimTypes.NameIdentifier, "sub"];
    internal static readonly string[] DefaultEmail = [ClaimTypes.Email, "email"];
    internal static readonly string[] DefaultName = ["name", ClaimTypes.GivenName];
}
