using System.Security.Cryptography;
using System.Text;
using JwtIssuer.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace JwtIssuer.Keys;

/// <summary>Turns one <c>JwtIssuer:SigningKeys</c> entry into long-lived signing credentials, or explains what is wrong with it.</summary>
internal static class SigningKeyLoader
{
    internal const int MinimumSecretBytes = 32;
    internal const int MinimumRsaBits = 2048;
    private const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>Loads the key; on failure returns null and a message that names the setting and the fix.</summary>
    public static SigningCredentials? TryLoad(string id, SigningKeyOptions options, string contentRoot, out string? error)
    {
        var setting = $"{JwtIssuerOptions.SectionName}:SigningKeys:{id}";
        try
        {
            return options.Algorithm switch
            {
                SigningAlgorithms.HS256 => LoadSecret(id, options, setting, contentRoot, out error),
                SigningAlgorithms.RS256 => LoadRsa(id, options, setting, contentRoot, out error),
                SigningAlgorithms.ES256 => LoadEcdsa(id, options, setting, contentRoot, out error),
                null or "" => Fail($"{setting}:Algorithm is missing. Set it to one of {string.Join(", ", SigningAlgorithms.All)}.", out error),
                _ => Fail($"{setting}:Algorithm '{options.Algorithm}' is not supported. Use one of {string.Join(", ", SigningAlgorithms.All)} (upper case).", out error),
            };
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // The message says what the PEM parser disliked; it never contains key material.
            return Fail($"{setting} could not be imported: {ex.Message}", out error);
        }
    }

    private static SigningCredentials? LoadSecret(string id, SigningKeyOptions options, string setting, string contentRoot, out string? error)
    {
        if (options.PrivateKeyPem is not null || options.PrivateKeyFile is not null)
        {
            return Fail($"{setting} is HS256 but sets PrivateKeyPem/PrivateKeyFile. HS256 takes Secret or SecretFile.", out error);
        }

        var secret = ReadOneOf(options.Secret, options.SecretFile, $"{setting}:Secret", $"{setting}:SecretFile", contentRoot, out error);
        if (secret is null)
        {
            return null;
        }

        // Comm100 keys HMAC with Encoding.UTF8.GetBytes(sharedKey); anything else and every token is rejected.
        var bytes = Encoding.UTF8.GetBytes(secret.TrimEnd('\r', '\n'));
        if (bytes.Length < MinimumSecretBytes)
        {
            return Fail($"{setting}: the HS256 secret is {bytes.Length} bytes; at least {MinimumSecretBytes} are required. " +
                "Generate one with `openssl rand -base64 32` and paste the same string into Comm100.", out error);
        }

        return new SigningCredentials(new SymmetricSecurityKey(bytes) { KeyId = id }, SecurityAlgorithms.HmacSha256);
    }

    private static SigningCredentials? LoadRsa(string id, SigningKeyOptions options, string setting, string contentRoot, out string? error)
    {
        var pem = ReadPem(options, setting, contentRoot, out error);
        if (pem is null)
        {
            return null;
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            if (!HasPrivateKey(() => rsa.ExportParameters(includePrivateParameters: true)))
            {
                rsa.Dispose();
                return Fail($"{setting} holds only a public key. RS256 signing needs the private key (PEM 'BEGIN PRIVATE KEY'); the public key goes to Comm100.", out error);
            }

            if (rsa.KeySize < MinimumRsaBits)
            {
                var bits = rsa.KeySize;
                rsa.Dispose();
                return Fail($"{setting}: the RSA key is {bits} bits; at least {MinimumRsaBits} are required. Generate a new key pair locally.", out error);
            }
        }
        catch
        {
            rsa.Dispose();
            throw;
        }

        return new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = id }, SecurityAlgorithms.RsaSha256);
    }

    private static SigningCredentials? LoadEcdsa(string id, SigningKeyOptions options, string setting, string contentRoot, out string? error)
    {
        var pem = ReadPem(options, setting, contentRoot, out error);
        if (pem is null)
        {
            return null;
        }

        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
            if (!HasPrivateKey(() => ecdsa.ExportParameters(includePrivateParameters: true)))
            {
                ecdsa.Dispose();
                return Fail($"{setting} holds only a public key. ES256 signing needs the private key (PEM 'BEGIN PRIVATE KEY').", out error);
            }

            if (ecdsa.ExportParameters(includePrivateParameters: false).Curve.Oid.Value != P256Oid)
            {
                ecdsa.Dispose();
                return Fail($"{setting}: ES256 needs a key on the P-256 curve (prime256v1/secp256r1).", out error);
            }
        }
        catch
        {
            ecdsa.Dispose();
            throw;
        }

        return new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = id }, SecurityAlgorithms.EcdsaSha256);
    }

    private static string? ReadPem(SigningKeyOptions options, string setting, string contentRoot, out string? error)
    {
        if (options.Secret is not null || options.SecretFile is not null)
        {
            error = $"{setting} is {options.Algorithm} but sets Secret/SecretFile. {options.Algorithm} takes PrivateKeyPem or PrivateKeyFile.";
            return null;
        }

        var pem = ReadOneOf(options.PrivateKeyPem, options.PrivateKeyFile, $"{setting}:PrivateKeyPem", $"{setting}:PrivateKeyFile", contentRoot, out error);
        if (pem is not null && pem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal))
        {
            error = $"{setting} is an encrypted private key. Store it unencrypted with restrictive file permissions " +
                "(`openssl pkcs8 -topk8 -nocrypt -in encrypted.pem -out key.pem`) or inject it as a secret.";
            return null;
        }

        return pem;
    }

    /// <summary>Reads an inline value or a file, exactly one of which must be set.</summary>
    private static string? ReadOneOf(string? inline, string? file, string inlineSetting, string fileSetting, string contentRoot, out string? error)
    {
        error = null;
        if (!string.IsNullOrEmpty(inline) && !string.IsNullOrEmpty(file))
        {
            error = $"{inlineSetting} and {fileSetting} are both set; keep exactly one.";
            return null;
        }

        if (!string.IsNullOrEmpty(inline))
        {
            return inline;
        }

        if (string.IsNullOrEmpty(file))
        {
            error = $"{inlineSetting} or {fileSetting} must be set.";
            return null;
        }

        var path = Path.GetFullPath(file, contentRoot);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"{fileSetting}: cannot read '{path}': {ex.Message}";
            return null;
        }
    }

    private static bool HasPrivateKey<T>(Func<T> exportPrivate)
    {
        try
        {
            exportPrivate();
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static SigningCredentials? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }
}
