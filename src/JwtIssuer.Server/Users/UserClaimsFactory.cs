using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Users;

/// <summary>
/// Adds the display name as a <c>name</c> claim, for the <c>{name}</c> template, and marks the session as made here,
/// so that it can be told apart from one an app sharing the cookie made (<c>Session:SharedCookie</c>).
/// </summary>
internal sealed class UserClaimsFactory(UserManager<User> users, IOptions<IdentityOptions> options, TimeProvider time)
    : UserClaimsPrincipalFactory<User>(users, options)
{
    /// <summary>
    /// When the user proved who they are (Unix seconds), for <c>Admin:SessionMaxAge</c>. Set at sign-in and carried over
    /// when the security stamp validator renews the cookie (<see cref="KeepSignIn"/>), which would otherwise reset it.
    /// </summary>
    public const string SignedInAtClaimType = "jwtissuer:signed_in_at";

    public const string SessionSourceClaimType = "jwtissuer:session";

    public const string SignedInHereValue = "local";

    /// <summary>Whether this service's own sign-in made the principal (and its ids and security stamp are ours).</summary>
    public static bool IsSignedInHere(ClaimsPrincipal? principal) =>
        principal?.FindFirst(SessionSourceClaimType)?.Value == SignedInHereValue;

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(User user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(SessionSourceClaimType, SignedInHereValue));
        identity.AddClaim(new Claim(SignedInAtClaimType, time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        if (!string.IsNullOrEmpty(user.DisplayName))
        {
            identity.AddClaim(new Claim("name", user.DisplayName));
        }

        return identity;
    }

    /// <summary>
    /// The renewed principal keeps the sign-in time and method (<c>amr</c>: password, OpenID Connect, ...) of the one it
    /// replaces: a renewal is not a sign-in. Without a time to keep, it has none, and the admin area asks for a sign-in.
    /// </summary>
    public static Task KeepSignIn(SecurityStampRefreshingPrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.NewPrincipal?.Identity is ClaimsIdentity renewed)
        {
            foreach (var type in new[] { SignedInAtClaimType, ClaimTypes.AuthenticationMethod })
            {
                foreach (var fresh in renewed.FindAll(type).ToList())
                {
                    renewed.RemoveClaim(fresh);
                }

                if (context.CurrentPrincipal?.FindFirst(type) is { } original)
                {
                    renewed.AddClaim(new Claim(type, original.Value));
                }
            }
        }

        return Task.CompletedTask;
    }
}
