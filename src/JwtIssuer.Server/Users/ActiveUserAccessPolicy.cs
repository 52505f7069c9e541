using System.Security.Claims;
using JwtIssuer.Access;
using JwtIssuer.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace JwtIssuer.Server.Users;

/// <summary>
/// Reads the user's row on every token request, so <c>users disable</c> (or a lockout) refuses the very next
/// request on every instance; a session cookie alone is never enough for a token.
/// </summary>
internal sealed class ActiveUserAccessPolicy(JwtIssuerDbContext db, TimeProvider time) : ITokenAccessPolicy
{
    public async ValueTask<bool> IsAllowedAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (id is null)
        {
            return false;
        }

        var row = await db.Users.AsNoTracking()
            .Where(candidate => candidate.Id == id)
            .Select(candidate => new { candidate.IsDisabled, candidate.LockoutEnd })
            .SingleOrDefaultAsync(cancellationToken);

        return row is { IsDisabled: false } && (row.LockoutEnd is null || row.LockoutEnd <= time.GetUtcNow());
    }
}
