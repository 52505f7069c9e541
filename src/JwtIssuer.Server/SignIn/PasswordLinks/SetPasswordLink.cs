using System.Security.Cryptography;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace JwtIssuer.Server.SignIn.PasswordLinks;

/// <summary>
/// A one-time link with which an agent chooses a password: made by an admin, used once, expiring. Only the SHA-256 of
/// the link's secret is stored, so a copy of the database opens nothing.
/// </summary>
public sealed class SetPasswordLink
{
    /// <summary>The SHA-256 of the link's secret, hex.</summary>
    public required string Id { get; init; }

    public required string UserId { get; init; }

    /// <summary>When it was made (UTC).</summary>
    public DateTime CreatedAt { get; init; }

    /// <summary>After this (UTC), the link opens nothing.</summary>
    public DateTime ExpiresAt { get; init; }

    /// <summary>32 random bytes, base64url: what goes into the link.</summary>
    public static string NewSecret() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form of a secret; anything a browser sends may be hashed, it finds nothing unless it is a link.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    internal static void Configure(ModelBuilder builder) => builder.Entity<SetPasswordLink>(entity =>
    {
        entity.Property(link => link.Id).HasMaxLength(64);
        entity.HasOne<User>().WithMany().HasForeignKey(link => link.UserId).OnDelete(DeleteBehavior.Cascade);
        // One link per agent: only the newest works.
        entity.HasIndex(link => link.UserId).IsUnique();
    });
}
