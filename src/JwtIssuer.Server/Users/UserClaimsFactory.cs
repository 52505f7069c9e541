using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Users;

/// <summary>
/// Adds the display name as a <c>name</c> claim, for the <c>{name}</c> template, and marks the session as made here,
/// so that it can be told apart from one an app sharing the cookie made (<c>Session:SharedCookie</c>).
/// </summary>
internal sealed class UserClaimsFactory(UserManager<User> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<User>(users, options)
{
    public const string SessionSourceClaimType = "jwtissuer:session";

    public const string SignedInHereValue = "local";

    /// <summary>Whether this service's own sign-in made the principal (and its ids and security stamp are ours).</summary>
    public static bool IsSignedInHere(ClaimsPrincipal? principal) =>
        principal?.FindFirst(SessionSourceClaimType)?.Value == SignedInHereValue;

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(User user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(SessionSourceClaimType, SignedInHereValue));
        if (!string.IsNullOrEmpty(user.DisplayName))
        {
            identity.AddClaim(new Claim("name", user.DisplayName));
        }

        return identity;
    }
}
