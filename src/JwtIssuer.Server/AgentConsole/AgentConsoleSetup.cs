using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.AgentConsole;

internal static class AgentConsoleSetup
{
    /// <summary><c>Console:*</c>: the agent console page, <c>/console</c>.</summary>
    public static IHostApplicationBuilder AddAgentConsole(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AgentConsoleOptions>()
            .Bind(builder.Configuration.GetSection(AgentConsoleOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AgentConsoleOptions>, AgentConsoleOptionsValidator>();
        return builder;
    }
}
