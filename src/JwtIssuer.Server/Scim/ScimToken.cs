using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace JwtIssuer.Server.Scim;

/// <summary>
/// A bearer token an identity provider's SCIM client uses (<c>jwt-issuer scim token create NAME</c>). Only the SHA-256 of
/// the token is stored, so a copy of the database opens nothing; the name is what the audit trail and the list show.
/// </summary>
public sealed class ScimToken
{
    /// <summary>What every token begins with, so a leaked one is recognised (secret scanners, logs).</summary>
    public const string Prefix = "scim_";

    /// <summary>The longest name: a word for the client, such as <c>entra</c> or <c>okta-prod</c>.</summary>
    public const int MaxNameLength = 64;

    public int Id { get; set; }

    public required string Name { get; init; }

    /// <summary>The SHA-256 of the token (32 bytes).</summary>
    public required byte[] Hash { get; init; }

    /// <summary>When it was made (UTC).</summary>
    public DateTime CreatedAt { get; init; }

    /// <summary>When a request last presented it (UTC, to the minute); null if never.</summary>
    public DateTime? LastUsedAt { get; set; }

    /// <summary>A new token: the prefix and 32 random bytes, base64url.</summary>
    public static string NewSecret() => Prefix + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form of a token.</summary>
    public static byte[] HashOf(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Whether <paramref name="name"/> may name a token: letters, digits, '.', '_' and '-', at most <see cref="MaxNameLength"/>.</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    internal static void Configure(ModelBuilder builder) => builder.Entity<ScimToken>(entity =>
    {
        entity.Property(token => token.Name).HasMaxLength(MaxNameLength);
        entity.Property(token => token.Hash).HasMaxLength(32);
        entity.HasIndex(token => token.Name).IsUnique();
    });
}
