using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Admin;

/// <summary>The <c>Admin</c> configuration section: how fresh an admin's sign-in must be, and how long a set-password link lives.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    public static readonly TimeSpan DefaultSessionMaxAge = TimeSpan.FromHours(1);

    public static readonly TimeSpan DefaultSetPasswordLinkLifetime = TimeSpan.FromHours(24);

    /// <summary>An admin whose sign-in is older than this signs in again before using <c>/admin</c> (default 1 hour).</summary>
    public TimeSpan SessionMaxAge { get; set; } = DefaultSessionMaxAge;

    /// <summary>How long a one-time set-password link works (default 24 hours).</summary>
    public TimeSpan SetPasswordLinkLifetime { get; set; } = DefaultSetPasswordLinkLifetime;
}

internal sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        var failures = new List<string>();
        if (options.SessionMaxAge < TimeSpan.FromMinutes(1) || options.SessionMaxAge > TimeSpan.FromDays(1))
        {
            failures.Add($"Admin:SessionMaxAge {options.SessionMaxAge} is out of range. Use between 00:01:00 (a minute) and 1.00:00:00 (a day); default 01:00:00.");
        }

        if (options.SetPasswordLinkLifetime < TimeSpan.FromMinutes(5) || options.SetPasswordLinkLifetime > TimeSpan.FromDays(30))
        {
            failures.Add($"Admin:SetPasswordLinkLifetime {options.SetPasswordLinkLifetime} is out of range. Use between 00:05:00 and 30.00:00:00; default 1.00:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
