using System.Security.Claims;
using JwtIssuer.Access;
using JwtIssuer.Server.Sessions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Users;

/// <summary>
/// A token only for a user who exists, is not disabled, and whose session was issued under the current security stamp
/// (a new password or <c>users disable</c> changes it), as of at most <see cref="UserStatusSnapshot.MaxAge"/> ago on
/// this instance. A session cookie alone is never enough for a token. A stale session (the stamp changed, the user is
/// gone) is sent to sign in again; a disabled user is refused.
/// </summary>
/// <remarks>
/// A lockout is not checked here. It exists to stop password guessing, and anyone who knows an agent's email can
/// trigger it with five wrong passwords; if it also refused the agent's session, a stranger could cut a whole contact
/// centre off Comm100, one email at a time. So a session proven before the lockout keeps getting tokens, and the
/// lockout stops new password sign-ins only.
/// With <c>Session:SharedCookie</c>, a session the sharing app made carries the app's user id and stamp, not ours: it
/// gets a token when its email belongs to exactly one user here who is not disabled, and is refused otherwise. The
/// users here are then the list of agents; the app vouches for the email and keeps its sessions current.
/// </remarks>
internal sealed class ActiveUserAccessPolicy(
    UserStatusSnapshot users,
    ILookupNormalizer normalizer,
    IOptions<IdentityOptions> identity,
    IOptions<AgentSessionOptions> session) : ITokenAccessPolicy
{
    private const string NotAnAgentMessage = "You are signed in, but not as an agent who may use Comm100 here. Ask your administrator to add your account.";

    public async ValueTask<TokenAccess> CheckAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        if (session.Value.SharedCookie && !UserClaimsFactory.IsSignedInHere(request.User))
        {
            return await CheckSharedAsync(request, cancellationToken);
        }

        var id = request.User.FindFirstValue(ClaimTypes.NameIdentifier);
        var stamp = request.User.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        if (id is null || stamp is null || await users.FindAsync(id, cancellationToken) is not { } status)
        {
            return TokenAccess.SignInAgain;
        }

        if (status.IsDisabled)
        {
            return TokenAccess.Deny();
        }

        // A changed stamp means the password was changed or the sessions were ended since this cookie was issued:
        // a stolen cookie stops getting tokens without waiting for the stamp validator, and the owner signs in again.
        return string.Equals(status.SecurityStamp, stamp, StringComparison.Ordinal) ? TokenAccess.Allow : TokenAccess.SignInAgain;
    }

    private async ValueTask<TokenAccess> CheckSharedAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        var email = normalizer.NormalizeEmail(request.Subject.Email);
        if (await users.FindByEmailAsync(email, cancellationToken) is not { } status)
        {
            return TokenAccess.Deny(NotAnAgentMessage);
        }

        return status.IsDisabled ? TokenAccess.Deny() : TokenAccess.Allow;
    }
}
