using System.Security.Claims;
using JwtIssuer.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Users;

/// <summary>
/// A token only for a user who exists, is not disabled or locked out, and whose session was issued under the current
/// security stamp (a new password or <c>users disable</c> changes it), as of at most
/// <see cref="UserStatusSnapshot.MaxAge"/> ago on this instance. A session cookie alone is never enough for a token.
/// </summary>
internal sealed class ActiveUserAccessPolicy(UserStatusSnapshot users, TimeProvider time, IOptions<IdentityOptions> identity) : ITokenAccessPolicy
{
    public async ValueTask<bool> IsAllowedAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        var stamp = user.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        if (id is null || stamp is null)
        {
            return false;
        }

        // A changed stamp means the password was changed or the sessions were ended since this cookie was issued:
        // a stolen cookie stops getting tokens without waiting for the stamp validator.
        return await users.FindAsync(id, cancellationToken) is { IsDisabled: false } status
            && (status.LockoutEnd is null || status.LockoutEnd <= time.GetUtcNow())
            && string.Equals(status.SecurityStamp, stamp, StringComparison.Ordinal);
    }
}
