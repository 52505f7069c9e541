using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace JwtIssuer.Server.Audit;

/// <summary>
/// One entry of the audit trail, kept in the database: a token issued, a sign-in attempt, a sign-out, a change to a
/// user. Never a token, secret, password or cookie.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }

    /// <summary>When it happened (UTC).</summary>
    public DateTime Time { get; set; }

    /// <summary>One of <see cref="AuditEventTypes"/>.</summary>
    public required string Type { get; set; }

    /// <summary>What came of it: <c>issued</c>; <c>succeeded</c>, <c>failed</c>, <c>throttled</c>, <c>refused</c>; how the agent signed out; what changed.</summary>
    public required string Outcome { get; set; }

    public string? UserId { get; set; }

    /// <summary>The email or account name, normalized (<see cref="NormalizeEmail"/>): as typed, for a failed sign-in.</summary>
    public string? Email { get; set; }

    public string? Consumer { get; set; }

    /// <summary>The token's <c>kid</c>.</summary>
    public string? KeyId { get; set; }

    /// <summary>The token's <c>jti</c>.</summary>
    public string? TokenId { get; set; }

    public string? RedirectHost { get; set; }

    public string? ClientAddress { get; set; }

    /// <summary>Why, in a word or a sentence: a refusal's rule, a failed sign-in's cause.</summary>
    public string? Reason { get; set; }

    /// <summary>Who made a change to a user or a SCIM token: <c>cli (root)</c>, <c>admin (ann@example.com)</c>, <c>scim (entra)</c>.</summary>
    public string? Actor { get; set; }

    /// <summary>An email as the trail keeps and finds it: trimmed, made storable (<see cref="Clean"/>), Unicode-composed, lower case.</summary>
    public static string? NormalizeEmail(string? email) =>
        string.IsNullOrWhiteSpace(email) ? null : Clean(email.Trim(), int.MaxValue)!.Normalize(NormalizationForm.FormC).ToLower(CultureInfo.InvariantCulture);

    // Column sizes. A value past its size is cut (see Fit): one overlong value must not fail the commit it shares.
    private const int TypeLength = 16, OutcomeLength = 32, IdLength = 64, NameLength = 128, LongLength = 256, ReasonLength = 512;

    /// <summary>
    /// Makes every value storable, so a hostile or odd one (an email typed with a NUL, half a surrogate pair, a
    /// megabyte) cannot fail the batch it is written in with the tokens of others: control characters and lone
    /// surrogates become U+FFFD (PostgreSQL refuses both in text), and values are cut to their column's size.
    /// </summary>
    internal void Fit()
    {
        Type = Clean(Type, TypeLength)!;
        Outcome = Clean(Outcome, OutcomeLength)!;
        UserId = Clean(UserId, IdLength);
        Email = Clean(Email, LongLength);
        Consumer = Clean(Consumer, NameLength);
        KeyId = Clean(KeyId, NameLength);
        TokenId = Clean(TokenId, IdLength);
        RedirectHost = Clean(RedirectHost, LongLength);
        ClientAddress = Clean(ClientAddress, IdLength);
        Reason = Clean(Reason, ReasonLength);
        Actor = Clean(Actor, LongLength);
    }

    internal static string? Clean(string? value, int length)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > length)
        {
            // Never half a surrogate pair at the cut.
            value = value[..(char.IsHighSurrogate(value[length - 1]) ? length - 1 : length)];
        }

        // Printable ASCII, nearly every value: one vectorized scan. Otherwise find the first control character (C0, DEL,
        // C1) or surrogate (a paired one is kept below).
        var span = value.AsSpan();
        if (!span.ContainsAnyExceptInRange(' ', '~'))
        {
            return value;
        }

        var first = span.IndexOfAny(ControlsAndSurrogates);
        if (first < 0)
        {
            return value;
        }

        // Rare: build the cleaned copy.
        var clean = new StringBuilder(value.Length).Append(span[..first]);
        for (var i = first; i < span.Length; i++)
        {
            var c = span[i];
            if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                clean.Append(c).Append(span[++i]);
            }
            else
            {
                clean.Append(char.IsControl(c) || char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }

        return clean.ToString();
    }

    private static readonly SearchValues<char> ControlsAndSurrogates = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Concat(Enumerable.Range(0xD800, 0x800)).Select(c => (char)c)]);

    internal static void Configure(ModelBuilder builder) => builder.Entity<AuditEvent>(entity =>
    {
        entity.Property(e => e.Type).HasMaxLength(TypeLength);
        entity.Property(e => e.Outcome).HasMaxLength(OutcomeLength);
        entity.Property(e => e.UserId).HasMaxLength(IdLength);
        entity.Property(e => e.Email).HasMaxLength(LongLength);
        entity.Property(e => e.Consumer).HasMaxLength(NameLength);
        entity.Property(e => e.KeyId).HasMaxLength(NameLength);
        entity.Property(e => e.TokenId).HasMaxLength(IdLength);
        entity.Property(e => e.RedirectHost).HasMaxLength(LongLength);
        entity.Property(e => e.ClientAddress).HasMaxLength(IdLength);
        entity.Property(e => e.Reason).HasMaxLength(ReasonLength);
        entity.Property(e => e.Actor).HasMaxLength(LongLength);
        // Listing newest first and pruning by age read the time; "what did this agent do" reads the email.
        entity.HasIndex(e => e.Time);
        entity.HasIndex(e => new { e.Email, e.Time });
        // The admin pages' "last sign-in" and "last token" of each agent: one seek each.
        entity.HasIndex(e => new { e.UserId, e.Type, e.Time });
    });
}

/// <summary>The kinds of <see cref="AuditEvent"/>, as <c>jwt-issuer audit --type</c> names them.</summary>
public static class AuditEventTypes
{
    public const string Token = "token";
    public const string SignIn = "sign-in";
    public const string SignOut = "sign-out";
    public const string User = "user";

    /// <summary>A SCIM bearer token made or revoked (<c>jwt-issuer scim token</c>, <c>/admin/scim</c>): the reason names it.</summary>
    public const string ScimToken = "scim-token";

    public static readonly IReadOnlyList<string> All = [Token, SignIn, SignOut, User, ScimToken];
}

/// <summary>What an <see cref="AuditEvent"/> records came of it, by type.</summary>
public static class AuditOutcomes
{
    /// <summary>A token: minted and on its way to the consumer.</summary>
    public const string Issued = "issued";

    /// <summary>A sign-in: a session began.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>A sign-in: a wrong password, an unknown account, an empty field.</summary>
    public const string Failed = "failed";

    /// <summary>A sign-in: too many attempts (<c>SignInLimits</c>); no password was checked.</summary>
    public const string Throttled = "throttled";

    /// <summary>A sign-in: an account that may not sign in (disabled, locked out), a provider's identity not taken, a form not taken.</summary>
    public const string Refused = "refused";

    /// <summary>A sign-out: the sign-out button (<c>POST /logout</c>).</summary>
    public const string SignOutForm = "form";

    /// <summary>A sign-out: Comm100's JWT Logout URL (<c>GET /api/jwt/logout</c>).</summary>
    public const string SignOutLogoutUrl = "logout-url";

    // Changes to a user.
    public const string UserAdded = "added";
    public const string UserUpdated = "updated";
    public const string UserDisabled = "disabled";
    public const string UserEnabled = "enabled";
    public const string UserPasswordSet = "password-set";
    public const string UserLinked = "linked";
    public const string UserUnlinked = "unlinked";
    public const string UserRemoved = "removed";
    public const string UserUnlocked = "unlocked";
    public const string UserSignedOutEverywhere = "signed-out-everywhere";
    public const string UserAdminGranted = "admin-granted";
    public const string UserAdminRevoked = "admin-revoked";
    public const string UserPasswordLinkCreated = "password-link-created";

    // SCIM tokens.
    public const string ScimTokenCreated = "created";
    public const string ScimTokenRevoked = "revoked";
}
