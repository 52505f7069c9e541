using JwtIssuer.Server.Admin;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.SignIn.PasswordLinks;

/// <summary>Makes, reads and spends one-time set-password links (<see cref="SetPasswordLink"/>).</summary>
public sealed class SetPasswordLinks(JwtIssuerDbContext database, IOptions<AdminOptions> options, TimeProvider time)
{
    /// <summary>The page a link opens.</summary>
    public const string Path = "/set-password";

    /// <summary>
    /// A new link for the user, replacing any earlier one (only the newest works); returns the secret, which is not kept
    /// and goes into the URL as <c>/set-password?token=...</c>.
    /// </summary>
    public async Task<string> CreateAsync(User user, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var secret = SetPasswordLink.NewSecret();
        // The user's earlier link stops working, and expired links of anyone go. One link per user (a unique index):
        // of two made at the same moment, one is refused.
        await database.SetPasswordLinks.Where(link => link.UserId == user.Id || link.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
        var link = new SetPasswordLink
        {
            Id = SetPasswordLink.Hash(secret),
            UserId = user.Id,
            CreatedAt = now,
            ExpiresAt = now + options.Value.SetPasswordLinkLifetime,
        };
        database.SetPasswordLinks.Add(link);
        try
        {
            await database.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            database.Entry(link).State = EntityState.Detached;
            throw new UserChangeFailedException($"another set-password link was being made for {user.Email} at the same moment; make one again", ex);
        }

        return secret;
    }

    /// <summary>Voids the user's link, if any: a disable, a new password or a sign-out everywhere ends what it would open.</summary>
    public Task RevokeAsync(User user, CancellationToken cancellationToken = default) =>
        database.SetPasswordLinks.Where(link => link.UserId == user.Id).ExecuteDeleteAsync(cancellationToken);

    /// <summary>The link's URL under <paramref name="root"/> (this service's public URL).</summary>
    public static string Url(string root, string secret) => $"{root.TrimEnd('/')}{Path}?token={secret}";

    /// <summary>The id of the user whose unexpired link this is; null for a used, expired or made-up one.</summary>
    public async Task<string?> FindUserAsync(string? secret, CancellationToken cancellationToken = default)
    {
        if (!IsWellFormed(secret))
        {
            return null;
        }

        var id = SetPasswordLink.Hash(secret!);
        var now = time.GetUtcNow().UtcDateTime;
        return await database.SetPasswordLinks.AsNoTracking()
            .Where(link => link.Id == id && link.ExpiresAt > now)
            .Select(link => link.UserId)
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Spends the link: true for exactly one caller, on any instance (one DELETE decides), and only before it expires.
    /// </summary>
    public async Task<bool> SpendAsync(string secret, string userId, CancellationToken cancellationToken = default)
    {
        if (!IsWellFormed(secret))
        {
            return false;
        }

        var id = SetPasswordLink.Hash(secret);
        var now = time.GetUtcNow().UtcDateTime;
        return await database.SetPasswordLinks
            .Where(link => link.Id == id && link.UserId == userId && link.ExpiresAt > now)
            .ExecuteDeleteAsync(cancellationToken) == 1;
    }

    // 32 bytes in base64url are 43 characters; anything else is not a link of ours, and is not even hashed.
    private static bool IsWellFormed(string? secret) =>
        secret is { Length: 43 } && secret.AsSpan().IndexOfAnyExcept(Base64UrlCharacters) < 0;

    private static readonly System.Buffers.SearchValues<char> Base64UrlCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}
