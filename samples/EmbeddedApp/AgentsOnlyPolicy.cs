using JwtIssuer.Access;

namespace EmbeddedApp;

/// <summary>The host's say: only agents get a Comm100 token, and the token carries their role.</summary>
public sealed class AgentsOnlyPolicy : ITokenAccessPolicy
{
    public const string RoleClaim = "role";

    public ValueTask<TokenAccess> CheckAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult(request.User.HasClaim(RoleClaim, "agent")
            ? TokenAccess.AllowWithClaims(new Dictionary<string, string> { [RoleClaim] = "agent" })
            : TokenAccess.Deny("Only agents can open the Comm100 console."));
    }
}
