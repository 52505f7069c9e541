using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Configuration;

/// <summary>
/// A configuration section the application binds and validates at start-up, registered once by
/// <see cref="SettingsRegistration.AddSettings{TOptions}"/>. Whatever must know every section (the tests that keep
/// <c>appsettings.example.json</c> and the configuration page honest) finds them here, with no list to keep.
/// </summary>
internal sealed record SettingsSection(string Name, Type OptionsType);

internal static class SettingsRegistration
{
    /// <summary>Binds <typeparamref name="TOptions"/> to <paramref name="section"/>, validated on start (and by <c>config check</c>).</summary>
    public static OptionsBuilder<TOptions> AddSettings<TOptions>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
    {
        services.AddSingleton(new SettingsSection(section, typeof(TOptions)));
        return services.AddOptionsWithValidateOnStart<TOptions>().Bind(configuration.GetSection(section));
    }

    /// <summary>As <see cref="AddSettings{TOptions}"/>, checked by <typeparamref name="TValidator"/>, whose messages name the setting and the fix.</summary>
    public static OptionsBuilder<TOptions> AddSettings<TOptions, TValidator>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddSingleton(new SettingsSection(section, typeof(TOptions)));
        return services.AddOptionsWithValidateOnStart<TOptions, TValidator>().Bind(configuration.GetSection(section));
    }
}
