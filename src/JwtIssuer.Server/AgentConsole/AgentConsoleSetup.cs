using JwtIssuer.Configuration;

namespace JwtIssuer.Server.AgentConsole;

internal static class AgentConsoleSetup
{
    /// <summary><c>Console:*</c>: the agent console page, <c>/console</c>.</summary>
    public static IHostApplicationBuilder AddAgentConsole(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<AgentConsoleOptions, AgentConsoleOptionsValidator>(builder.Configuration, AgentConsoleOptions.SectionName);
        return builder;
    }
}
