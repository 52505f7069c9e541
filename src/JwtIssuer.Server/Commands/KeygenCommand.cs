using System.Buffers.Text;
using System.CommandLine;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using JwtIssuer.Keys;

namespace JwtIssuer.Server.Commands;

/// <summary>
/// <c>keygen HS256|RS256|ES256</c>: keys made on this machine, never on someone else's web page. Prints what goes
/// into Comm100 and into configuration; private files are created with mode 0600 and never silently replaced.
/// </summary>
internal static partial class KeygenCommand
{
    private const string RotationWarning =
        "Replacing a key that a consumer signs with makes its tokens fail until the consumer has the new key. " +
        "Rotate in this order: add the new key beside the old one, restart, paste it into the consumer, " +
        "switch the consumer's SigningKey and restart, remove the old key later (docs/keys.md).";

    public static Command Create()
    {
        var algorithm = new Argument<string>("algorithm") { Description = "HS256, RS256 or ES256." };
        algorithm.AcceptOnlyFromAmong(SigningAlgorithms.HS256, SigningAlgorithms.RS256, SigningAlgorithms.ES256);
        var bits = new Option<int>("--bits") { Description = "RSA key size in bits (RS256 only).", DefaultValueFactory = _ => 2048 };
        bits.AcceptOnlyFromAmong("2048", "3072", "4096");
        var output = new Option<string>("--out") { Description = "Folder for the key files.", DefaultValueFactory = _ => "keys" };
        var id = new Option<string?>("--id") { Description = "Key id, sent as the tokens' kid (default: <alg>-<yyyy-MM-dd>)." };
        var force = new Option<bool>("--force") { Description = "Overwrite existing key files." };

        var command = new Command("keygen", "Make a signing key locally; print what goes into Comm100 and the configuration snippet.")
        {
            algorithm, bits, output, id, force,
        };
        command.SetAction(parse =>
        {
            var alg = parse.GetValue(algorithm)!;
            var keyId = parse.GetValue(id) ?? $"{alg.ToLowerInvariant()}-{DateTime.UtcNow:yyyy-MM-dd}";
            if (!KeyIdPattern().IsMatch(keyId))
            {
                throw new CommandFailedException($"--id '{keyId}' may contain only letters, digits, '.', '_' and '-' (it names files and a configuration key)");
            }

            if (alg != SigningAlgorithms.RS256 && parse.GetResult(bits) is { Implicit: false })
            {
                throw new CommandFailedException("--bits applies to RS256 only");
            }

            var folder = parse.GetValue(output)!;
            return alg == SigningAlgorithms.HS256
                ? WriteSecret(keyId, folder, parse.GetValue(force))
                : WriteKeyPair(alg, keyId, folder, parse.GetValue(bits), parse.GetValue(force));
        });
        return command;
    }

    private static int WriteSecret(string keyId, string folder, bool force)
    {
        // 256 random bits as base64url: 43 characters whose UTF-8 bytes (how Comm100 and we read the
        // secret) carry the full 256 bits.
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var file = Path.Combine(folder, $"{keyId}.secret");
        WriteFiles(force, (file, secret, Private: true));

        Console.WriteLine($"""
            Generated HS256 key '{keyId}' and wrote {file} (mode 0600).

            Paste this into Comm100's "JWT Certificate" field (Agent SSO, HS256):

            {secret}

            Add this under JwtIssuer:SigningKeys, and set a consumer's SigningKey to "{keyId}":

              "{keyId}": {"{"} "Algorithm": "HS256", "SecretFile": "{file}" {"}"}

            {RotationWarning}
            """);
        return CommandLine.Success;
    }

    private static int WriteKeyPair(string algorithm, string keyId, string folder, int bits, bool force)
    {
        using AsymmetricAlgorithm key = algorithm == SigningAlgorithms.RS256 ? RSA.Create(bits) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var privatePem = key.ExportPkcs8PrivateKeyPem();
        var publicPem = key.ExportSubjectPublicKeyInfoPem();
        var fingerprint = SigningKey.FingerprintOf(key);
        var privateFile = Path.Combine(folder, $"{keyId}.private.pem");
        var publicFile = Path.Combine(folder, $"{keyId}.public.pem");
        WriteFiles(force, (privateFile, privatePem, Private: true), (publicFile, publicPem, Private: false));

        var where = algorithm == SigningAlgorithms.RS256
            ? "Paste this public key into Comm100's \"JWT Certificate\" field (Agent SSO, RS256):"
            : "Give this public key to the consumer (Comm100 itself takes HS256 or RS256); /.well-known/jwks.json publishes it too:";
        Console.WriteLine($"""
            Generated {algorithm} key '{keyId}' ({key.KeySize} bits).
            Wrote {privateFile} (PKCS#8, mode 0600; keep it on this server) and {publicFile}.

            {where}

            {publicPem}

            Public key SHA-256: {fingerprint}

            Add this under JwtIssuer:SigningKeys, and set a consumer's SigningKey to "{keyId}":

              "{keyId}": {"{"} "Algorithm": "{algorithm}", "PrivateKeyFile": "{privateFile}" {"}"}

            {RotationWarning}
            """);
        return CommandLine.Success;
    }

    /// <summary>Checks every target first, so a refused run writes nothing; each file appears whole, private ones as 0600.</summary>
    private static void WriteFiles(bool force, params (string Path, string Content, bool Private)[] files)
    {
        if (!force && files.FirstOrDefault(file => File.Exists(file.Path)) is { Path: { } existing })
        {
            throw new CommandFailedException($"{existing} already exists; choose another --id, or pass --force to replace it (tokens signed with the old key stop verifying)");
        }

        foreach (var (path, content, isPrivate) in files)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            if (!Directory.Exists(folder))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(folder);
                }
                else
                {
                    Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }

            // Written beside the target and renamed over it: never a half-written key, never a moment at 0644.
            var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = isPrivate
                    ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                    : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            }

            try
            {
                using (var stream = new FileStream(temporary, options))
                {
                    stream.Write(System.Text.Encoding.ASCII.GetBytes(content + "\n"));
                    stream.Flush(flushToDisk: true);
                }

                // Without --force the rename itself refuses an existing file, so a concurrent run cannot win silently.
                File.Move(temporary, path, overwrite: force);
            }
            catch (IOException) when (!force && File.Exists(path))
            {
                throw new CommandFailedException($"{path} already exists; choose another --id, or pass --force to replace it");
            }
            finally
            {
                File.Delete(temporary);
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex KeyIdPattern();
}
