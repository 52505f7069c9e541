using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Scim;

/// <summary>The <c>Scim</c> configuration section.</summary>
public sealed class ScimOptions
{
    public const string SectionName = "Scim";

    public const int DefaultRequestsPerMinute = 600;

    /// <summary>
    /// How many SCIM requests one token may make a minute (default 600); beyond it, 429 with <c>Retry-After</c>.
    /// Identity providers send a few a second at most. Requests without a valid token are held per client address
    /// (<see cref="ScimAccess.FailuresPerMinute"/>).
    /// </summary>
    public int RequestsPerMinute { get; set; } = DefaultRequestsPerMinute;
}

internal sealed class ScimOptionsValidator : IValidateOptions<ScimOptions>
{
    public ValidateOptionsResult Validate(string? name, ScimOptions options) =>
        options.RequestsPerMinute is < 1 or > 100_000
            ? ValidateOptionsResult.Fail($"Scim:RequestsPerMinute {options.RequestsPerMinute} is out of range. Use between 1 and 100000; default {ScimOptions.DefaultRequestsPerMinute}.")
            : ValidateOptionsResult.Success;
}
