namespace JwtIssuer.Configuration;

/// <summary>One signing key. HS256 takes <c>Secret</c> or <c>SecretFile</c>; RS256 and ES256 take <c>PrivateKeyPem</c> or <c>PrivateKeyFile</c>.</summary>
public sealed class SigningKeyOptions
{
    /// <summary><c>HS256</c>, <c>RS256</c> or <c>ES256</c>.</summary>
    public string? Algorithm { get; set; }

    /// <summary>The HS256 shared secret; its UTF-8 bytes are the key, as Comm100 reads it.</summary>
    public string? Secret { get; set; }

    /// <summary>A file holding the HS256 shared secret (a trailing newline is ignored).</summary>
    public string? SecretFile { get; set; }

    /// <summary>A PEM private key (PKCS#8, or PKCS#1/SEC1; encrypted PKCS#8 with a passphrase).</summary>
    public string? PrivateKeyPem { get; set; }

    /// <summary>A file holding a PEM private key.</summary>
    public string? PrivateKeyFile { get; set; }

    /// <summary>The passphrase of an encrypted PKCS#8 private key (best set from an environment variable).</summary>
    public string? PrivateKeyPassphrase { get; set; }

    /// <summary>A file holding the passphrase of an encrypted PKCS#8 private key (a trailing newline is ignored).</summary>
    public string? PrivateKeyPassphraseFile { get; set; }
}
