using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Audit;

/// <summary>The <c>Audit</c> configuration section: how long the trail keeps its events.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(90);

    /// <summary>Events older than this are deleted in the background (default 90 days).</summary>
    public TimeSpan Retention { get; set; } = DefaultRetention;
}

internal sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options) =>
        options.Retention < TimeSpan.FromDays(1) || options.Retention > TimeSpan.FromDays(3650)
            ? ValidateOptionsResult.Fail($"Audit:Retention {options.Retention} is out of range. Use between 1.00:00:00 (a day) and 3650.00:00:00 (ten years); default {AuditOptions.DefaultRetention.TotalDays:0}.00:00:00.")
            : ValidateOptionsResult.Success;
}
