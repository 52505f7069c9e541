using System.Buffers;
using JwtIssuer.Configuration;
using JwtIssuer.Server.Security;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Sessions;

internal sealed class AgentSessionOptionsValidator : IValidateOptions<AgentSessionOptions>
{
    private static readonly SearchValues<char> NotInCookieNames = SearchValues.Create(";, =\"\t");

    public ValidateOptionsResult Validate(string? name, AgentSessionOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.CookieName) || options.CookieName.AsSpan().ContainsAny(NotInCookieNames))
        {
            errors.Add($"Session:CookieName '{options.CookieName}' is not a valid cookie name. Use letters, digits, '.', '-' or '_'.");
        }

        if (options.CookieDomain is { } domain && !IsCookieDomain(domain))
        {
            errors.Add($"Session:CookieDomain '{domain}' is not a domain name. Use a host name such as example.com, with no scheme, port or path.");
        }

        if (options.Lifetime < TimeSpan.FromMinutes(1) || options.Lifetime > TimeSpan.FromDays(30))
        {
            errors.Add($"Session:Lifetime {options.Lifetime} is out of range. Use between 00:01:00 and 30.00:00:00 (default 08:00:00).");
        }

        for (var i = 0; i < options.FrameAncestors.Count; i++)
        {
            if (FrameAncestors.ToOrigin(options.FrameAncestors[i]) is null)
            {
                errors.Add($"Session:FrameAncestors:{i} '{options.FrameAncestors[i]}' is not an origin. Use scheme://host[:port], for example https://app.example.com: {ConfiguredUrl.Rule}.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    // Browsers ignore one leading dot, so it is allowed; an IP address cannot be a cookie domain shared by hosts.
    private static bool IsCookieDomain(string domain)
    {
        var name = domain.StartsWith('.') ? domain[1..] : domain;
        return name.Contains('.') && Uri.CheckHostName(name) == UriHostNameType.Dns && name.All(char.IsAscii);
    }
}
