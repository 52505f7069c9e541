using System.Runtime.CompilerServices;

namespace JwtIssuer.Tests.Infrastructure;

internal static class TestProcessSetup
{
    /// <summary>
    /// No configuration file watchers in test hosts (in process, and the server processes, which inherit this):
    /// nothing reloads configuration in a test, and each watcher holds one of Linux's inotify instances
    /// (fs.inotify.max_user_instances, 128 per user by default) while its host lives. See also
    /// <see cref="JwtIssuerApplication"/>'s disposal of the web root provider.
    /// </summary>
    [ModuleInitializer]
    internal static void DisableConfigurationReload() =>
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
}

/// <summary>
/// Tests that read process-wide state (the metrics of every <c>JwtIssuer</c> meter in the process) run on their
/// own, after the parallel ones, so other tests' apps cannot add to what they count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "process-wide state";
}
