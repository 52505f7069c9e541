using System.Buffers;
using System.Text.RegularExpressions;
using JwtIssuer.Configuration;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.AgentConsole;

internal sealed partial class AgentConsoleOptionsValidator : IValidateOptions<AgentConsoleOptions>
{
    private static readonly SearchValues<char> NotInAllowList = SearchValues.Create("\"<>&\r\n");

    public ValidateOptionsResult Validate(string? name, AgentConsoleOptions options)
    {
        var errors = new List<string>();
        if (options.Url is { Length: > 0 } url && options.ConsoleUri is null)
        {
            errors.Add($"Console:Url '{url}' is not an absolute https URL: use {ConfiguredUrl.Rule}, the address of Comm100's agent console.");
        }

        if (options.Allow.AsSpan().ContainsAny(NotInAllowList))
        {
            errors.Add("Console:Allow is a permissions list such as \"microphone; camera; autoplay\"; it may not contain quotes, angle brackets, '&' or line breaks.");
        }

        if (options.Sdk is { } sdk)
        {
            if (!string.IsNullOrEmpty(options.Url))
            {
                errors.Add("Console:Url and Console:Sdk are both set; keep one: Console:Url shows the console in a bare iframe, Console:Sdk:* through Comm100's embedded agent console SDK.");
            }

            CheckSdk(sdk, errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The values go into a script on our page: each is checked against what it can be, and encoded there too.</summary>
    private static void CheckSdk(ConsoleSdkOptions sdk, List<string> errors)
    {
        if (sdk.BaseUri is null)
        {
            errors.Add($"Console:Sdk:BaseUrl is missing or not an absolute https URL with no query: use {ConfiguredUrl.Rule}, the agent console's base URL (its script is BaseUrl/sdk/comm100-embedded-client.js).");
        }

        if (string.IsNullOrEmpty(sdk.AppId) || !AppId().IsMatch(sdk.AppId))
        {
            errors.Add("Console:Sdk:AppId is missing or not an app id: use the id of the Comm100 app whose extended authentication points at this service (letters, digits, '-', '_' and '.', at most 128).");
        }

        if (sdk.SiteId is not > 0)
        {
            errors.Add("Console:Sdk:SiteId is missing or not a site id: use the customer's Comm100 site id, a positive number.");
        }

        for (var i = 0; i < sdk.Modules.Count; i++)
        {
            if (!Module().IsMatch(sdk.Modules[i]))
            {
                errors.Add($"Console:Sdk:Modules:{i} is not a module name such as chat: lower-case letters, digits and '-', at most 32.");
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex AppId();

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$")]
    private static partial Regex Module();
}
