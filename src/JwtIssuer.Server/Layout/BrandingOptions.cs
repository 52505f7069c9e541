using JwtIssuer.Configuration;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Layout;

/// <summary>
/// The <c>Branding</c> configuration section: the name (and logo) people see on the login page ("Sign in to Acme
/// Support"), the console bar, error pages and admin pages. Shown as text and an image address, never as markup.
/// </summary>
public sealed class BrandingOptions
{
    public const string SectionName = "Branding";

    public const string DefaultName = "JwtIssuer";

    public const int MaxNameLength = 64;

    public string Name { get; set; } = DefaultName;

    /// <summary>An https URL of an image (http only on loopback), or a path on this site such as <c>/logo.svg</c>; none by default.</summary>
    public string? LogoUrl { get; set; }

    /// <summary>The logo's origin, for the CSP's <c>img-src</c>; null when there is no logo or it is on this site.</summary>
    public string? LogoOrigin => LogoUrl is { Length: > 0 } url && !url.StartsWith('/') && ConfiguredUrl.Parse(url) is { } uri ? ConfiguredUrl.Origin(uri) : null;
}

internal sealed class BrandingOptionsValidator : IValidateOptions<BrandingOptions>
{
    public ValidateOptionsResult Validate(string? name, BrandingOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Name) || options.Name.Length > BrandingOptions.MaxNameLength || options.Name.Any(char.IsControl))
        {
            failures.Add($"Branding:Name must be 1 to {BrandingOptions.MaxNameLength} printable characters, such as \"Acme Support\" (default {BrandingOptions.DefaultName}).");
        }

        if (options.LogoUrl is { Length: > 0 } logo && !IsLocalPath(logo) && ConfiguredUrl.Parse(logo) is null)
        {
            failures.Add($"Branding:LogoUrl '{logo}' is not an image address. Use {ConfiguredUrl.Rule}, or a path on this site such as /logo.svg.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // "/logo.svg", but not "//evil.example/x" (another host) or "/\evil" (the same, to some browsers).
    private static bool IsLocalPath(string url) =>
        url.Length > 1 && url[0] == '/' && url[1] is not '/' and not '\\' && !url.Any(char.IsControl) && !url.Contains(' ', StringComparison.Ordinal);
}
