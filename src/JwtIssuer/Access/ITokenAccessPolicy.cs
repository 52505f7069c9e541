using System.Security.Claims;

namespace JwtIssuer.Access;

/// <summary>
/// The host's say on whether a signed-in user may receive a token right now (for example: not disabled,
/// not locked out). The default allows every authenticated user.
/// </summary>
public interface ITokenAccessPolicy
{
    /// <summary>True when this user may receive a token.</summary>
    ValueTask<bool> IsAllowedAsync(ClaimsPrincipal user, CancellationToken cancellationToken);
}

internal sealed class AllowAuthenticatedUsers : ITokenAccessPolicy
{
    public ValueTask<bool> IsAllowedAsync(ClaimsPrincipal user, CancellationToken cancellationToken) => ValueTask.FromResult(true);
}
