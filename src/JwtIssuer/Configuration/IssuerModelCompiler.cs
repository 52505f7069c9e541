using System.Runtime.CompilerServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Configuration;

/// <summary>
/// Validating the <c>JwtIssuer</c> section is compiling it: this validator builds the <see cref="IssuerModel"/> and
/// keeps it beside the options instance it came from, so the model is built exactly once, when the host validates
/// options at start-up (or <c>config check</c> does), and every problem is reported then.
/// </summary>
internal sealed partial class IssuerModelCompiler(IHostEnvironment environment, ILogger<IssuerModelCompiler> logger) : IValidateOptions<JwtIssuerOptions>
{
    private readonly ConditionalWeakTable<JwtIssuerOptions, IssuerModel> _models = [];

    public ValidateOptionsResult Validate(string? name, JwtIssuerOptions options)
    {
        var model = IssuerModelBuilder.Build(options, environment.ContentRootPath, out var errors, out var warnings);
        foreach (var warning in warnings)
        {
            LogWarning(logger, warning);
        }

        if (model is null)
        {
            return ValidateOptionsResult.Fail(errors);
        }

        _models.AddOrUpdate(options, model);
        return ValidateOptionsResult.Success;
    }

    /// <summary>The model of the validated options (reading them validates, and so compiles, them).</summary>
    public IssuerModel ModelOf(IOptionsMonitor<JwtIssuerOptions> options) =>
        _models.TryGetValue(options.CurrentValue, out var model)
            ? model
            : throw new InvalidOperationException("The JwtIssuer options were not validated by this compiler.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);
}
