using System.Security.Claims;
using JwtIssuer.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Users;

/// <summary>
/// A token only for a user who exists, is not disabled or locked out, and whose session was issued under the current
/// security stamp (a new password or <c>users disable</c> changes it), as of at most
/// <see cref="UserStatusSnapshot.MaxAge"/> ago on this instance. A session cookie alone is never enough for a token.
/// A stale session (the stamp changed, the user is gone) is sent to sign in again; a disabled or locked-out user is refused.
/// </summary>
internal sealed class ActiveUserAccessPolicy(UserStatusSnapshot users, TimeProvider time, IOptions<IdentityOptions> identity) : ITokenAccessPolicy
{
    public async ValueTask<TokenAccess> CheckAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        var id = request.User.FindFirstValue(ClaimTypes.NameIdentifier);
        var stamp = request.User.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        if (id is null || stamp is null || await users.FindAsync(id, cancellationToken) is not { } status)
        {
            return TokenAccess.SignInAgain;
        }

        if (status.IsDisabled || (status.LockoutEnd is { } end && end > time.GetUtcNow()))
        {
            return TokenAccess.Deny();
        }

        // A changed stamp means the password was changed or the sessions were ended since this cookie was issued:
        // a stolen cookie stops getting tokens without waiting for the stamp validator, and the owner signs in again.
        return string.Equals(status.SecurityStamp, stamp, StringComparison.Ordinal) ? TokenAccess.Allow : TokenAccess.SignInAgain;
    }
}
