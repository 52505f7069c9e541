using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.SignIn.Password;

/// <summary>
/// <c>SignInLimits</c>: how many password attempts <c>POST /login</c> checks per window, per client address
/// (password spraying, and the CPU each PBKDF2 check costs) and per account name (guessing one agent's password).
/// </summary>
public sealed class SignInLimitOptions
{
    public const string SectionName = "SignInLimits";

    /// <summary>Per client address (an IPv6 client by its /64). Generous, because a whole office may share one address.</summary>
    public WindowLimit PerAddress { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Per account name, whether or not the account exists.</summary>
    public WindowLimit PerAccount { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(15) };
}

/// <summary>At most <see cref="PermitLimit"/> attempts in each fixed <see cref="Window"/>.</summary>
public sealed class WindowLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }
}

internal sealed class SignInLimitOptionsValidator : IValidateOptions<SignInLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, SignInLimitOptions options)
    {
        var errors = new List<string>();
        Check(options.PerAddress, nameof(SignInLimitOptions.PerAddress), errors);
        Check(options.PerAccount, nameof(SignInLimitOptions.PerAccount), errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(WindowLimit limit, string name, List<string> errors)
    {
        var key = $"{SignInLimitOptions.SectionName}:{name}";
        if (limit.PermitLimit < 1)
        {
            errors.Add($"{key}:PermitLimit {limit.PermitLimit} is out of range. Use 1 or more.");
        }

        if (limit.Window < TimeSpan.FromSeconds(1) || limit.Window > TimeSpan.FromDays(1))
        {
            errors.Add($"{key}:Window {limit.Window} is out of range. Use between 00:00:01 and 1.00:00:00.");
        }
    }
}
