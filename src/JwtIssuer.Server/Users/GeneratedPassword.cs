using System.Security.Cryptography;

namespace JwtIssuer.Server.Users;

/// <summary>A password made for an agent by an admin: 20 characters from a 31-letter alphabet (99 bits), easy to read out.</summary>
internal static class GeneratedPassword
{
    // No 0/O, 1/l/I: it is read off a screen and typed.
    private const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789";

    public static string New() => string.Create(23, 0, (span, _) =>
    {
        // Four groups of five, joined by dashes: xxxxx-xxxxx-xxxxx-xxxxx.
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = i % 6 == 5 ? '-' : Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }
    });
}
