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

    /// <summary>
    /// Loads the key; on failure returns null and a message that names the setting and the fix. Problems that
    /// do not stop the key from working (a key file others can read) go to <paramref name="warnings"/>.
    /// </summary>
    public static SigningCredentials? TryLoad(string id, SigningKeyOptions options, string contentRoot, ICollection<string> warnings, out string? error)
    {
        var source = new Source($"{JwtIssuerOptions.SectionName}:SigningKeys:{id}", contentRoot, warnings);
        try
        {
            return options.Algorithm switch
            {
                SigningAlgorithms.HS256 => LoadSecret(id, options, source, out error),
                SigningAlgorithms.RS256 => LoadRsa(id, options, source, out error),
                SigningAlgorithms.ES256 => LoadEcdsa(id, options, source, out error),
                null or "" => Fail($"{source.Setting}:Algorithm is missing. Set it to one of {string.Join(", ", SigningAlgorithms.All)}.", out error),
                _ => Fail($"{source.Setting}:Algorithm '{options.Algorithm}' is not supported. Use one of {string.Join(", ", SigningAlgorithms.All)} (upper case).", out error),
            };
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // The message says what the PEM parser disliked; it never contains key material.
            var from = source.FileRead is { } file ? $":{file.Setting} '{file.Path}'" : string.Empty;
            return Fail($"{source.Setting}{from} could not be imported: {ex.Message}", out error);
        }
    }

    private static SigningCredentials? LoadSecret(string id, SigningKeyOptions options, Source source, out string? error)
    {
        if (!string.IsNullOrEmpty(options.PrivateKeyPem) || !string.IsNullOrEmpty(options.PrivateKeyFile))
        {
            return Fail($"{source.Setting} is HS256 but sets PrivateKeyPem/PrivateKeyFile. HS256 takes Secret or SecretFile.", out error);
        }

        var secret = source.ReadOneOf(options.Secret, options.SecretFile, "Secret", "SecretFile", out error);
        if (secret is null)
        {
            return null;
        }

        // Comm100 keys HMAC with Encoding.UTF8.GetBytes(sharedKey); anything else and every token is rejected.
        var bytes = Encoding.UTF8.GetBytes(SecretFile.WithoutTrailingNewline(secret));
        if (bytes.Length < MinimumSecretBytes)
        {
            return Fail($"{source.Setting}: the HS256 secret is {bytes.Length} bytes; at least {MinimumSecretBytes} are required. " +
                "Generate one with `jwt-issuer keygen HS256` and paste the same string into Comm100.", out error);
        }

        return new SigningCredentials(new SymmetricSecurityKey(bytes) { KeyId = id }, SecurityAlgorithms.HmacSha256);
    }

    private static SigningCredentials? LoadRsa(string id, SigningKeyOptions options, Source source, out string? error)
    {
        var rsa = Import(RSA.Create(), options, source, out error);
        if (rsa is null)
        {
            return null;
        }

        if (rsa.KeySize < MinimumRsaBits)
        {
            var bits = rsa.KeySize;
            rsa.Dispose();
            return Fail($"{source.Setting}: the RSA key is {bits} bits; at least {MinimumRsaBits} are required. Generate a new one with `jwt-issuer keygen RS256`.", out error);
        }

        return new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = id }, SecurityAlgorithms.RsaSha256);
    }

    private static SigningCredentials? LoadEcdsa(string id, SigningKeyOptions options, Source source, out string? error)
    {
        var ecdsa = Import(ECDsa.Create(), options, source, out error);
        if (ecdsa is null)
        {
            return null;
        }

        if (ecdsa.ExportParameters(includePrivateParameters: false).Curve.Oid.Value != P256Oid)
        {
            ecdsa.Dispose();
            return Fail($"{source.Setting}: ES256 needs a key on the P-256 curve (prime256v1/secp256r1). Generate one with `jwt-issuer keygen ES256`.", out error);
        }

        return new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = id }, SecurityAlgorithms.EcdsaSha256);
    }

    /// <summary>Imports a private key PEM (encrypted PKCS#8 with its passphrase) into <paramref name="key"/>, which is disposed on failure.</summary>
    private static T? Import<T>(T key, SigningKeyOptions options, Source source, out string? error) where T : AsymmetricAlgorithm
    {
        try
        {
            if (!string.IsNullOrEmpty(options.Secret) || !string.IsNullOrEmpty(options.SecretFile))
            {
                throw new KeyImportException($"{source.Setting} is {options.Algorithm} but sets Secret/SecretFile. {options.Algorithm} takes PrivateKeyPem or PrivateKeyFile.");
            }

            var pem = source.ReadOneOf(options.PrivateKeyPem, options.PrivateKeyFile, "PrivateKeyPem", "PrivateKeyFile", out error)
                ?? throw new KeyImportException(error!);
            if (pem.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal))
            {
                throw new KeyImportException($"{source.Setting} is a legacy encrypted PEM, which .NET cannot read. " +
                    "Convert it to PKCS#8: `openssl pkcs8 -topk8 -in old.pem -out key.pem` (keeps a passphrase) or add -nocrypt.");
            }

            if (pem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal))
            {
                if (string.IsNullOrEmpty(options.PrivateKeyPassphrase) && string.IsNullOrEmpty(options.PrivateKeyPassphraseFile))
                {
                    throw new KeyImportException($"{source.Setting} is an encrypted private key but no passphrase is set. " +
                        $"Set {source.Setting}:PrivateKeyPassphrase (from an environment variable) or {source.Setting}:PrivateKeyPassphraseFile.");
                }

                var passphrase = source.ReadOneOf(options.PrivateKeyPassphrase, options.PrivateKeyPassphraseFile, "PrivateKeyPassphrase", "PrivateKeyPassphraseFile", out error)
                    ?? throw new KeyImportException(error!);
                key.ImportFromEncryptedPem(pem, SecretFile.WithoutTrailingNewline(passphrase));
            }
            else
            {
                key.ImportFromPem(pem);
            }

            if (!HasPrivateKey(key))
            {
                throw new KeyImportException($"{source.Setting} holds only a public key. {options.Algorithm} signing needs the private key (PEM 'BEGIN PRIVATE KEY'); the public key goes to the consumer.");
            }

            error = null;
            return key;
        }
        catch (KeyImportException ex)
        {
            key.Dispose();
            error = ex.Message;
            return null;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static bool HasPrivateKey(AsymmetricAlgorithm key)
    {
        try
        {
            _ = key switch
            {
                RSA rsa => rsa.ExportParameters(includePrivateParameters: true).D,
                ECDsa ecdsa => ecdsa.ExportParameters(includePrivateParameters: true).D,
                _ => null,
            };
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

    /// <summary>Where a key's settings live, and how its inline values and files are read.</summary>
    private sealed record Source(string Setting, string ContentRoot, ICollection<string> Warnings)
    {
        /// <summary>The private key file read, so an import error can name it (a passphrase file read later does not replace it).</summary>
        public (string Setting, string Path)? FileRead { get; private set; }

        /// <summary>Reads an inline value or a file, exactly one of which must be set.</summary>
        public string? ReadOneOf(string? inline, string? file, string inlineName, string fileName, out string? error)
        {
            error = null;
            if (!string.IsNullOrEmpty(inline) && !string.IsNullOrEmpty(file))
            {
                error = $"{Setting}:{inlineName} and {Setting}:{fileName} are both set; keep exactly one.";
                return null;
            }

            if (!string.IsNullOrEmpty(inline))
            {
                return inline;
            }

            if (string.IsNullOrEmpty(file))
            {
                error = $"{Setting}:{inlineName} or {Setting}:{fileName} must be set.";
                return null;
            }

            var text = SecretFile.Read($"{Setting}:{fileName}", file, ContentRoot, Warnings, out var path, out error);
            if (text is not null && fileName == nameof(SigningKeyOptions.PrivateKeyFile))
            {
                FileRead = (fileName, path!);
            }

            return text;
        }
    }

    private sealed class KeyImportException(string message) : Exception(message);
}
