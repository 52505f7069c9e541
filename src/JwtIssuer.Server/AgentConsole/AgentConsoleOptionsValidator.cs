using System.Buffers;
using JwtIssuer.Configuration;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.AgentConsole;

internal sealed class AgentConsoleOptionsValidator : IValidateOptions<AgentConsoleOptions>
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

        if (!string.IsNullOrEmpty(options.ScriptUrl))
        {
            errors.Add("Console:ScriptUrl is not supported: Comm100's embedded-console script is not built in. Set Console:Url to the agent console's address instead.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
