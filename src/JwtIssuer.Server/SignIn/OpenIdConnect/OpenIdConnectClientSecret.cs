using JwtIssuer.Configuration;

namespace JwtIssuer.Server.SignIn.OpenIdConnect;

/// <summary>
/// The OpenID Connect client secret, from <c>ClientSecret</c> or, through the one secret-file reader, from
/// <c>ClientSecretFile</c>; read once (the settings validator asks first, the handler's setup after).
/// </summary>
internal sealed partial class OpenIdConnectClientSecret(IHostEnvironment environment, ILogger<OpenIdConnectClientSecret> logger)
{
    private const string Setting = "Authentication:OpenIdConnect:ClientSecretFile";

    private readonly Lock _gate = new();
    private Read? _read;

    /// <summary>The secret, or null with an error that names the setting and never the secret.</summary>
    public string? Get(OpenIdConnectSettings oidc, out string? error)
    {
        ArgumentNullException.ThrowIfNull(oidc);
        if (!string.IsNullOrEmpty(oidc.ClientSecret))
        {
            error = null;
            return oidc.ClientSecret;
        }

        lock (_gate)
        {
            if (_read is not { } read || read.File != oidc.ClientSecretFile)
            {
                read = _read = ReadFile(oidc.ClientSecretFile!);
            }

            error = read.Error;
            return read.Secret;
        }
    }

    private Read ReadFile(string file)
    {
        var warnings = new List<string>();
        var text = SecretFile.Read(Setting, file, environment.ContentRootPath, warnings, out var path, out var error);
        foreach (var warning in warnings)
        {
            LogWarning(logger, warning);
        }

        var secret = text is null ? null : SecretFile.WithoutTrailingNewline(text);
        error ??= string.IsNullOrEmpty(secret) ? $"{Setting} '{path}' is empty."
            // Spaces around a secret are a copy-paste accident the provider would refuse at every sign-in.
            : secret.Trim().Length != secret.Length ? $"{Setting} '{path}' has spaces or tabs before or after the secret; remove them."
            : null;
        return new Read(file, error is null ? secret : null, error);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);

    private sealed record Read(string File, string? Secret, string? Error);
}
