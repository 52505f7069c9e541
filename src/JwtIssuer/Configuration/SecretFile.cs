namespace JwtIssuer.Configuration;

/// <summary>
/// The one reader of every secret kept in a file that a setting names (HS256 secrets, private keys and their
/// passphrases, the OpenID Connect client secret): relative to the content root, with one message per failure that
/// names the setting, and a warning when other users can read the file.
/// </summary>
internal static class SecretFile
{
    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const string NotShown = "(value not shown: is the secret itself set here instead of a file path?)";

    /// <summary>
    /// Reads the file <paramref name="file"/> (the value of <paramref name="setting"/>), or returns null with an
    /// <paramref name="error"/> that names the setting and never the file's content.
    /// </summary>
    /// <param name="setting">The full setting name, such as <c>JwtIssuer:SigningKeys:k:SecretFile</c>.</param>
    /// <param name="file">The configured path, absolute or relative to <paramref name="contentRoot"/>.</param>
    /// <param name="contentRoot">What relative paths are relative to.</param>
    /// <param name="warnings">Where a readable-by-others warning goes.</param>
    /// <param name="path">The full path read.</param>
    /// <param name="error">Why the file could not be read.</param>
    public static string? Read(string setting, string file, string contentRoot, ICollection<string> warnings, out string? path, out string? error)
    {
        ArgumentNullException.ThrowIfNull(setting);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(warnings);

        // A value that is not a plausible path may be the secret pasted into the wrong setting: never show it.
        var name = setting[(setting.LastIndexOf(':') + 1)..];
        var showable = file.Length <= 255 && !file.Contains('\n', StringComparison.Ordinal) && !file.Contains("-----", StringComparison.Ordinal)
            && !name.Contains("Secret", StringComparison.Ordinal) && !name.Contains("Passphrase", StringComparison.Ordinal);
        try
        {
            path = Path.GetFullPath(file, contentRoot);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            // A NUL or another character no file name may hold: say so, and show the value only escaped.
            path = null;
            error = $"{setting} is not a valid file path {(showable ? Escaped(file) : NotShown)}.";
            return null;
        }

        try
        {
            var text = File.ReadAllText(path);
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOthers) != 0)
            {
                warnings.Add($"{setting} '{path}' can be read by other users; run `chmod 600 {path}`.");
            }

            error = null;
            return text;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The exception's own message repeats the path, so only its kind is reported.
            var why = ex switch
            {
                FileNotFoundException or DirectoryNotFoundException => "no such file",
                UnauthorizedAccessException => "permission denied",
                _ => "unreadable",
            };
            error = $"{setting}: cannot read {(showable ? $"'{path}'" : NotShown)}: {why}.";
            return null;
        }
    }

    /// <summary>A secret as written in its file: a trailing newline (editors and <c>echo</c> add one) is not part of it.</summary>
    public static string WithoutTrailingNewline(string text) => text.TrimEnd('\r', '\n');

    /// <summary>A configured value with control characters written as escapes, so a message can show it safely.</summary>
    private static string Escaped(string value) =>
        $"('{string.Concat(value.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()))}')";
}
